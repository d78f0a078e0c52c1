import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import { rawPost } from '../helpers/raw_http.js';
import { ALICE, startLenientStack, type LenientStack } from '../helpers/lenient_gateway.js';
import { FRONTS } from '../helpers/fronts.js';

// h2c smuggling: a proxy that passes any Upgrade header on, to a gateway that accepts cleartext
// HTTP/2 (the simulator in lenientPaths mode does, on any path), leaves the client a tunnel
// straight to the gateway, where the proxy's rules no longer apply: a login post sent down it
// reaches the gateway's login with the password alone. factorgate, and nginx and HAProxy running
// the generated edge configuration, pass only WebSocket upgrades on.

const body = `login=${ALICE.login}&passwd=${ALICE.passwd}`;

/** Everything the server sends until `done` says it is enough, the connection closes, or 5 s pass. */
function readUntil(socket: Socket, done: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const finish = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      resolve(text);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (done(text)) finish();
    };
    const timer = setTimeout(finish, 5000);
    socket.on('data', onData);
    socket.once('close', finish);
    socket.once('error', finish);
  });
}

/** Asks for an upgrade to `protocol`; if the answer is 101, posts alice's password to /cgi/login down the tunnel. */
async function tryTunnel(url: string, protocol: string, extraHeaders = ''): Promise<{ answer: string; tunnelled?: string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on('error', () => undefined); // a reset is one way to refuse; readUntil sees the close
  await new Promise((resolve) => socket.once('connect', resolve));
  try {
    const headEnd = (t: string) => t.includes('\r\n\r\n');
    const answering = readUntil(socket, headEnd);
    socket.write(`GET /vpn/other HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: ${protocol}\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n${extraHeaders}\r\n`);
    const answer = await answering;
    if (!/^HTTP\/1\.1 101 /.test(answer)) return { answer };
    const replying = readUntil(socket, headEnd);
    socket.write(rawPost('/cgi/login', body));
    return { answer, tunnelled: await replying };
  } finally {
    socket.destroy();
  }
}

for (const front of FRONTS) {
  describe(`an upgrade that would open a tunnel to the gateway (${front})`, () => {
    let s: LenientStack;
    before(async () => { s = await startLenientStack(front); });
    after(async () => { await s.close(); });

    it('straight to the lenient gateway, an h2c upgrade opens a tunnel to its login', async () => {
      const before = s.gateway.loginPosts().length;
      const { answer, tunnelled } = await tryTunnel(s.gateway.url, 'h2c');
      expect(answer).to.match(/^HTTP\/1\.1 101 /);
      expect(tunnelled).to.match(/^HTTP\/1\.1 302 /);
      expect(s.gateway.loginPosts().length).to.equal(before + 1);
    });

    for (const protocol of ['h2c', 'H2C', 'h2c, websocket', 'websocket, h2c', 'tls/1.2']) {
      it(`Upgrade: ${protocol} on a pass-through path opens no tunnel; the gateway logs no one in`, async () => {
        const before = s.gateway.loginPosts().length;
        const mark = s.front.mark();
        const { answer, tunnelled } = await tryTunnel(s.url, protocol);
        expect(answer).not.to.match(/^HTTP\/1\.1 101 /);
        expect(tunnelled).to.equal(undefined);
        if (front === 'factorgate') {
          // Refused outright; an edge sends it on as a plain request, without its Upgrade.
          expect(answer).to.match(/^HTTP\/1\.1 400 /);
          expect(await s.front.line(mark, (l) => l.event === 'upgrade_refused')).to.include({ reason: 'not_websocket', path: '/vpn/other' });
        }
        expect(s.gateway.loginPosts().length).to.equal(before);
      });
    }
  });
}
