import { expect } from 'chai';
import { request } from 'node:http';
import { rawPost, rawRequest } from '../helpers/raw_http.js';
import { ALICE, startLenientStack, type LenientStack } from '../helpers/lenient_gateway.js';
import { FRONTS } from '../helpers/fronts.js';
import { LENIENT_TARGET_HEADERS } from '../../src/demo/simulators/gateway/lenient_paths.js';

// Some servers take a header for the request's path instead of its request line (IIS's
// X-Original-URL and the like). The lenient gateway believes every such header it lists: a
// request for an ordinary path that names /cgi/login in one would reach its login with the
// password alone. factorgate, and nginx and HAProxy running the generated edge configuration,
// refuse such a request (400, ambiguous_target) or never pass the header on.

const body = `login=${ALICE.login}&passwd=${ALICE.passwd}`;

/** The header's value and the request line's target that together read as the login. */
function attack(name: string): { target: string; value: string } {
  return LENIENT_TARGET_HEADERS[name] === 'prefix' ? { target: '/login', value: '/cgi' } : { target: '/vpn/other', value: '/cgi/login' };
}

/** The header names a JSON echo of the gateway's headers holds that the lenient gateway would believe. */
const believed = (headers: Record<string, unknown>) => Object.keys(headers).filter((name) => name.replace(/_/g, '-') in LENIENT_TARGET_HEADERS);

for (const front of FRONTS) {
  describe(`headers that name another target than the request line's (${front})`, () => {
    let s: LenientStack;
    before(async () => { s = await startLenientStack(front); });
    after(async () => { await s.close(); });

    it('the lenient gateway does believe them: straight to it, each one logs alice in', async () => {
      for (const name of Object.keys(LENIENT_TARGET_HEADERS)) {
        const { target, value } = attack(name);
        const before = s.gateway.loginPosts().length;
        const reply = await rawRequest(s.gateway.url, rawPost(target, body, { [name]: value }));
        expect(reply, name).not.to.match(/^HTTP\/1\.1 404 /);
        expect(s.gateway.loginPosts().length, name).to.equal(before + 1);
      }
    });

    for (const name of Object.keys(LENIENT_TARGET_HEADERS)) {
      const { target, value } = attack(name);
      it(`POST ${target} with ${name}: ${value} is refused with 400 and logged; the gateway logs no one in`, async () => {
        const before = s.gateway.loginPosts().length;
        const mark = s.front.mark();
        const reply = await rawRequest(s.url, rawPost(target, body, { [name]: value }));
        expect(reply).to.match(/^HTTP\/1\.1 400 /);
        expect(reply).to.include('The request could not be understood');
        expect(s.gateway.loginPosts().length).to.equal(before);
        const line = await s.front.line(mark, (l) => l.event === 'ambiguous_target');
        expect(line).to.include({ reason: 'target_override_header' });
        if (front === 'factorgate') expect(line).to.include({ header: name });
      });

      const underscored = name.replace(/-/g, '_');
      it(`POST ${target} with ${underscored}: ${value} (read as ${name} by CGI and PHP) never reaches the gateway's login`, async () => {
        const before = s.gateway.loginPosts().length;
        const reply = await rawRequest(s.url, rawPost(target, body, { [underscored]: value }));
        expect(s.gateway.loginPosts().length).to.equal(before);
        // nginx drops header names with "_" (ignore_invalid_headers, which the generated file sets);
        // factorgate and HAProxy refuse the request.
        if (front === 'nginx') expect(reply).not.to.match(/^HTTP\/1\.1 2/);
        else expect(reply).to.match(/^HTTP\/1\.1 400 /);
      });
    }

    it('an empty one is refused, or (nginx) removed: the gateway never gets one', async () => {
      const reply = await rawRequest(s.url, 'GET /echo HTTP/1.1\r\nHost: x\r\nX-Original-URL:\r\nX_Rewrite_URL:\r\nConnection: close\r\n\r\n');
      if (front !== 'nginx') return void expect(reply).to.match(/^HTTP\/1\.1 400 /);
      expect(reply).to.match(/^HTTP\/1\.1 200 /);
      const echoed = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, unknown> };
      expect(believed(echoed.headers)).to.deep.equal([]);
    });

    it('a header named like one but longer passes (x-original-url-hint)', async () => {
      const reply = await rawRequest(s.url, 'GET /echo HTTP/1.1\r\nHost: x\r\nX-Original-URL-Hint: /cgi/login\r\nConnection: close\r\n\r\n');
      expect(reply).to.match(/^HTTP\/1\.1 200 /);
      expect(reply).to.include('x-original-url-hint');
    });

    it('a WebSocket upgrade that carries one is refused', async () => {
      const status = await new Promise<number | string>((resolve) => {
        const req = request(`${s.url}/ws`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version': '13', 'X-Original-URL': '/cgi/login' } });
        req.on('upgrade', (_res, socket) => { socket.destroy(); resolve('upgraded'); });
        req.on('response', (res) => { res.resume(); resolve(res.statusCode ?? 0); });
        req.on('error', () => resolve('error'));
        req.end();
      });
      expect(status).to.equal(400);
    });
  });
}
