import { expect } from 'chai';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { RequestHandler as ProxyHandler } from 'http-proxy-middleware';
import { routeTable } from '../../src/proxy/guard.js';
import { createServer, type FrontDoor } from '../../src/proxy/front_door.js';
import { startHarness, type Harness } from '../helpers/harness.js';
import { captureLogs } from '../helpers/log_capture.js';
import { rawRequest } from '../helpers/raw_http.js';

describe('security: every request gets an answer', () => {
  let h: Harness;
  before(async () => { h = await startHarness(); });
  after(async () => { await h.close(); });

  it('OPTIONS * is answered by factorgate itself (it never reaches the proxy, which left it hanging)', async () => {
    const reply = await rawRequest(h.fg.url, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 204 /);
  });

  for (const method of ['GET', 'POST', 'HEAD']) {
    it(`${method} * is refused with 400 and an ambiguous_target line`, async () => {
      const reply = await rawRequest(h.fg.url, `${method} * HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      expect(reply).to.match(/^HTTP\/1\.1 400 /);
      expect(h.logs.lines.some((l) => l.event === 'ambiguous_target' && l.reason === 'asterisk_form' && l.method === method)).to.equal(true);
    });
  }


  it('CONNECT is refused with 400 and an ambiguous_target line, not dropped without a word', async () => {
    const reply = await rawRequest(h.fg.url, 'CONNECT gateway.example:443 HTTP/1.1\r\nHost: gateway.example:443\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 400 /);
    expect(h.logs.lines.some((l) => l.event === 'ambiguous_target' && l.reason === 'authority_form' && l.method === 'CONNECT')).to.equal(true);
  });
});

describe('security: the front door with short timeouts and a proxy that declines', function () {
  this.timeout(10_000);
  let door: FrontDoor;
  let url: string;
  const logs = captureLogs();

  before(async () => {
    // The real front door with short timeouts; factorgate's own route reads the whole body before answering.
    const app = (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => res.end('read it all\n'));
    };
    // A proxy that declines every request, as http-proxy-middleware does with a target it cannot place.
    const decline = (_req: IncomingMessage, _res: ServerResponse, next: () => void) => Promise.resolve(next());
    const passthrough = Object.assign(decline, { upgrade: () => undefined }) as unknown as ProxyHandler;
    door = createServer({
      app, passthrough, table: routeTable({ guardedPaths: [], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' }),
      trustProxy: [], loginPage: '/vpn/index.html', logger: logs.logger,
      keepAliveMs: 200, headersTimeoutMs: 300, requestTimeoutMs: 600,
    });
    await new Promise<void>((resolve) => door.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(door.server.address() as AddressInfo).port}`;
  });
  after(async () => { await door.close(100); });

  /** Writes `text` and nothing more; resolves with what the server sent once it closes the connection. */
  function sendAndWait(text: string): Promise<string> {
    const { port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(text));
      let reply = '';
      socket.on('data', (chunk) => { reply += chunk.toString(); });
      socket.on('close', () => resolve(reply));
      socket.on('error', reject);
    });
  }

  it('a request the proxy declines is refused with 400 and a log line, not left unanswered', async () => {
    expect(await sendAndWait('GET /anything HTTP/1.1\r\nHost: x\r\n\r\n')).to.match(/^HTTP\/1\.1 400 [\s\S]*The request could not be understood/);
    expect(logs.lines.find((l) => l.event === 'ambiguous_target')).to.include({ reason: 'not_forwardable', path: '/anything' });
  });

  it('half a request line: 408, and the connection is closed', async () => {
    expect(await sendAndWait('GET /mfa/x HT')).to.match(/^HTTP\/1\.1 408 /);
  });

  it('headers that never end: 408, and the connection is closed', async () => {
    expect(await sendAndWait('POST /mfa/x HTTP/1.1\r\nHost: x\r\nX-Slow: ')).to.match(/^HTTP\/1\.1 408 /);
  });

  it('half a body: 408, and the connection is closed', async () => {
    expect(await sendAndWait('POST /mfa/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789')).to.match(/^HTTP\/1\.1 408 /);
  });

  it('an idle connection after an answer is closed', async () => {
    expect(await sendAndWait('GET /mfa/x HTTP/1.1\r\nHost: x\r\n\r\n')).to.match(/^HTTP\/1\.1 200 [\s\S]*read it all\n$/);
  });
});
