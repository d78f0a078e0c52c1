import { expect } from 'chai';
import nock from 'nock';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { callFailure, closeOutbound, IDLE_SOCKET_MS, outboundClient } from '../../src/outbound/http_client.js';

// The keep-alive pool to the servers factorgate calls closes idle connections itself, before the
// server's own keep-alive timeout can close one under a callout being written.

describe('outbound HTTP client: idle pooled connections', () => {
  let server: Server;
  let url: string;
  const closed: Socket[] = [];
  const opened: Socket[] = [];

  // Real sockets only: nock (loaded by other suites in the same run) replaces the client's own pooling.
  before(() => nock.restore());
  after(() => nock.activate());

  beforeEach(async () => {
    server = createServer((_req, res) => res.end('ok'));
    server.keepAliveTimeout = 60_000; // the server would keep it much longer
    server.on('connection', (socket: Socket) => {
      opened.push(socket);
      socket.on('close', () => closed.push(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    opened.length = 0;
    closed.length = 0;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('reuses a connection while it is busy, and closes it once it has been idle for idleSocketMs', async () => {
    const http = outboundClient({ maxSockets: 4, maxReplyBytes: 1024, timeoutMs: 2000, idleSocketMs: 150 });
    try {
      await http.get(url);
      await http.get(url);
      expect(opened).to.have.length(1); // keep-alive: one connection for both
      expect(closed).to.have.length(0);
      // Waits for the close itself (mocha's timeout, far below the server's 60 s, bounds it).
      while (closed.length === 0) await new Promise((r) => setTimeout(r, 25));
      expect(closed).to.have.length(1); // closed from our side long before the server's 60 s
      await http.get(url);
      expect(opened).to.have.length(2); // and the next callout opens a fresh one
    } finally {
      closeOutbound(http);
    }
  });

  it('by default closes idle connections before the 5 s keep-alive of Node and Apache servers', () => {
    expect(IDLE_SOCKET_MS).to.be.below(5000);
    const http = outboundClient({ maxSockets: 1, maxReplyBytes: 1024, timeoutMs: 1000 });
    try {
      expect((http.defaults.httpAgent as { options: { timeout?: number } }).options.timeout).to.equal(IDLE_SOCKET_MS);
    } finally {
      closeOutbound(http);
    }
  });
});

describe('outbound HTTP client: a deadline on every whole call', () => {
  let server: Server;
  let url: string;
  let drip = true;

  // Real sockets only: nock's interceptor reads replies its own way (a trickle then trips the idle timeout too).
  before(() => nock.restore());
  after(() => nock.activate());

  beforeEach(async () => {
    drip = true;
    // Headers at once, then a byte every 20 ms while `drip`: the socket is never idle long enough for axios's own timeout.
    server = createServer((_req, res) => {
      if (!drip) return void res.end('ok');
      res.writeHead(200, { 'Content-Type': 'text/plain' }).write(' ');
      const timer = setInterval(() => res.write(' '), 20);
      res.on('close', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const outcome = (call: Promise<unknown>) => call.then(() => 'answered', (err: unknown) => callFailure(err).kind);

  it('a reply dripped a byte at a time ends at timeoutMs as a timeout, and gives its connection back to the pool', async () => {
    const http = outboundClient({ maxSockets: 1, maxReplyBytes: 1 << 20, timeoutMs: 200 });
    try {
      // The second call waits for the one connection: its wait counts against its deadline too.
      expect(await Promise.all([outcome(http.get(url)), outcome(http.get(url))])).to.deep.equal(['timeout', 'timeout']);
      drip = false;
      expect((await http.get(url)).data).to.equal('ok');
    } finally {
      closeOutbound(http);
    }
  });

  it('a call\'s own timeout shortens its deadline; one of 0 or above timeoutMs does not lengthen it', async () => {
    const http = outboundClient({ maxSockets: 4, maxReplyBytes: 1 << 20, timeoutMs: 200 });
    try {
      expect(await outcome(http.get(url, { timeout: 50 }))).to.equal('timeout');
      expect(await outcome(http.get(url, { timeout: 0 }))).to.equal('timeout');
      expect(await outcome(http.get(url, { timeout: 3_600_000 }))).to.equal('timeout');
    } finally {
      closeOutbound(http);
    }
  });

  it('a call that has its reply leaves no deadline behind: its signal never fires afterwards', async () => {
    const http = outboundClient({ maxSockets: 4, maxReplyBytes: 1 << 20, timeoutMs: 100 });
    const signals: AbortSignal[] = [];
    http.interceptors.response.use((response) => { signals.push(response.config.signal as AbortSignal); return response; });
    try {
      drip = false;
      expect((await http.get(url)).data).to.equal('ok');
      // A later call with the same budget runs out of time: timers of one length fire in the
      // order they were set, so the first call's deadline, had it stayed, fired before this one.
      drip = true;
      expect(await outcome(http.get(url))).to.equal('timeout');
      expect(signals[0]!.aborted).to.equal(false);
    } finally {
      closeOutbound(http);
    }
  });
});
