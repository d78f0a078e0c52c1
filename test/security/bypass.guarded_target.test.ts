import { expect } from 'chai';
import { request } from 'node:http';
import { startHarness, type Harness } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw_http.js';
import { FRONTS, type Front } from '../helpers/fronts.js';

// factorgate itself, and real nginx and HAProxy running the generated edge configuration in front
// of it, refuse the gateway's login target however it is asked for. factorgate logs the guarded
// path it read; an edge logs the raw path (without the query).

/** How each front refuses what only it reads differently, where they do not all answer alike. */
const DIFFERS: Record<string, Record<Front, { status: string; reason?: string; path?: string }>> = {
  // nginx itself refuses a bad escape before any rule: a line with no reason of the edge's own.
  badEscape: { factorgate: { status: '400', reason: 'bad_escape', path: '/cgi/%zzlogin' }, haproxy: { status: '400', reason: 'bad_escape', path: '/cgi/%zzlogin' }, nginx: { status: '400', reason: 'unreadable_request', path: '' } },
  // A port out of range: HAProxy's parser refuses it; nginx ignores the authority and refuses the guarded path.
  badPort: { factorgate: { status: '400', reason: 'unreadable_absolute_form' }, haproxy: { status: '400' }, nginx: { status: '403' } },
};

for (const front of FRONTS) {
  describe(`the gateway login target is guarded (${front})`, () => {
    let h: Harness;
    beforeEach(async () => { h = await startHarness({}, { front }); });
    afterEach(async () => { await h.close(); });

    const body = 'login=alice&passwd=alice-pw';
    const spellings = ['/cgi/login', '/CGI/Login', '/cgi/login/', '/cgi//login', '/cgi/login;x=1', '/cgi;x=1/login', '/%63gi/login', '/cgi/login?x=1', 'http://x/cgi/login'];
    const rawPath = (target: string) => target.replace(/^http:\/\/x/, '').split('?', 1)[0];

    for (const target of spellings) {
      it(`refuses POST ${target} with 403 and a log line; the gateway sees nothing`, async () => {
        const mark = h.front.mark();
        const reply = await rawRequest(h.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        expect(reply).to.match(/^HTTP\/1\.1 403 /);
        expect(reply).to.include('Sign in through the login page');
        expect(h.gateway.logins).to.have.length(0);
        const path = front === 'factorgate' ? '/cgi/login' : rawPath(target);
        expect(await h.front.line(mark, (l) => l.event === 'guarded_target_refused' && l.path === path)).not.to.equal(undefined);
      });
    }

    // Readings of these differ from server to server (test/security/bypass.paths.test.ts has many more).
    const ambiguous = ['//cgi//login', '/cgi/./login', '/vpn/../cgi/login', '/cgi%2Flogin', '/cgi/login%3f', '/cgi\\login'];

    for (const target of ambiguous) {
      it(`refuses POST ${target} with 400 and an ambiguous_target line; the gateway sees nothing`, async () => {
        const mark = h.front.mark();
        const reply = await rawRequest(h.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        expect(reply).to.match(/^HTTP\/1\.1 400 /);
        expect(reply).to.include('The request could not be understood');
        expect(h.gateway.logins).to.have.length(0);
        expect(await h.front.line(mark, (l) => l.event === 'ambiguous_target')).not.to.equal(undefined);
      });
    }

    for (const target of ['/nf/auth/doAuthentication.do', '/nf/auth/getAuthenticationRequirements.do', '/NF/Auth/StartAuthentication.do']) {
      it(`refuses POST ${target}: nFactor's login endpoints below /nf/auth are guarded by default`, async () => {
        const mark = h.front.mark();
        const reply = await rawRequest(h.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
        expect(reply).to.match(/^HTTP\/1\.1 403 /);
        expect(await h.front.line(mark, (l) => l.event === 'guarded_target_refused' && String(l.path).toLowerCase().startsWith('/nf/auth/'))).not.to.equal(undefined);
      });
    }

    for (const method of ['GET', 'HEAD', 'PUT']) {
      it(`refuses ${method} to the login target too`, async () => {
        const reply = await rawRequest(h.url, `${method} /cgi/login?login=alice&passwd=alice-pw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(reply).to.match(/^HTTP\/1\.1 403 /);
        expect(h.gateway.logins).to.have.length(0);
      });
    }

    it('refuses a chunked post, and does not read its body as a second request', async () => {
      const smuggled = `POST /cgi/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nPOST /cgi/login HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
      const reply = await rawRequest(h.url, smuggled);
      expect(reply).to.match(/^HTTP\/1\.1 403 /);
      expect(h.gateway.logins).to.have.length(0);
    });

    it('answers a request with both Content-Length and Transfer-Encoding with 400, or (HAProxy) reads it by its chunks alone', async () => {
      const reply = await rawRequest(h.url, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\nGET /cgi/login HTTP/1.1\r\nHost: x\r\n\r\n`);
      if (front === 'haproxy') {
        // RFC 9112 6.3: Transfer-Encoding wins; HAProxy drops Content-Length before passing the request on.
        expect(reply).to.match(/^HTTP\/1\.1 200 /);
        expect(h.gateway.requests.map((r) => [r.method, r.url, r.headers['content-length']])).to.deep.equal([['POST', '/echo', undefined]]);
      } else {
        expect(reply).to.match(/^HTTP\/1\.1 400 /);
        expect(h.gateway.requests).to.deep.equal([]);
      }
    });

    it('answers an unreadable percent-encoding with 400, not 5xx', async () => {
      const mark = h.front.mark();
      const reply = await rawRequest(h.url, 'GET /cgi/%zzlogin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      expect(reply).to.match(/^HTTP\/1\.1 400 /);
      const { reason, path } = DIFFERS.badEscape![front];
      expect(await h.front.line(mark, (l) => l.event === 'ambiguous_target')).to.include({ reason, path });
    });

    it('answers an absolute-form target no URL parser can read with 400 (nginx: with the 403 of the path it reads)', async () => {
      const mark = h.front.mark();
      const reply = await rawRequest(h.url, 'GET http://x:99999/cgi/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      const expected = DIFFERS.badPort![front];
      expect(reply).to.match(new RegExp(`^HTTP/1\\.1 ${expected.status} `));
      expect(h.gateway.requests).to.deep.equal([]);
      if (expected.reason) expect(await h.front.line(mark, (l) => l.event === 'ambiguous_target')).to.include({ reason: expected.reason });
    });

    it('refuses a WebSocket upgrade to the login target', async () => {
      const status = await new Promise<number | string>((resolve) => {
        // A whole WebSocket handshake: HAProxy answers 400 to one without its key and version.
        const req = request(`${h.url}/cgi/login`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13' } });
        req.on('upgrade', () => resolve('upgraded'));
        req.on('response', (res) => resolve(res.statusCode ?? 0));
        req.on('error', () => resolve('error'));
        req.end();
      });
      expect(status).to.equal(403);
    });
  });
}
