import { expect } from 'chai';
import { request } from 'node:http';
import { startHarness, type Harness } from '../helpers/harness.js';
import { rawRequest } from '../helpers/raw_http.js';

describe('the gateway login target is guarded', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  const body = 'login=alice&passwd=alice-pw';
  const spellings = ['/cgi/login', '/CGI/Login', '/cgi/login/', '/cgi//login', '/cgi/login;x=1', '/cgi;x=1/login', '/%63gi/login', '/cgi/login?x=1', 'http://x/cgi/login'];

  for (const target of spellings) {
    it(`refuses POST ${target} with 403 and a log line; the gateway sees nothing`, async () => {
      const reply = await rawRequest(h.fg.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(reply).to.match(/^HTTP\/1\.1 403 /);
      expect(reply).to.include('Sign in through the login page');
      expect(h.gateway.logins).to.have.length(0);
      expect(h.logs.lines.some((l) => l.event === 'guarded_target_refused' && l.path === '/cgi/login')).to.equal(true);
    });
  }

  // Readings of these differ from server to server (test/security/bypass.paths.test.ts has many more).
  const ambiguous = ['//cgi//login', '/cgi/./login', '/vpn/../cgi/login', '/cgi%2Flogin', '/cgi/login%3f', '/cgi\\login'];

  for (const target of ambiguous) {
    it(`refuses POST ${target} with 400 and an ambiguous_target line; the gateway sees nothing`, async () => {
      const reply = await rawRequest(h.fg.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(reply).to.match(/^HTTP\/1\.1 400 /);
      expect(reply).to.include('The request could not be understood');
      expect(h.gateway.logins).to.have.length(0);
      expect(h.logs.lines.some((l) => l.event === 'ambiguous_target')).to.equal(true);
    });
  }

  for (const target of ['/nf/auth/doAuthentication.do', '/nf/auth/getAuthenticationRequirements.do', '/NF/Auth/StartAuthentication.do']) {
    it(`refuses POST ${target}: nFactor's login endpoints below /nf/auth are guarded by default`, async () => {
      const reply = await rawRequest(h.fg.url, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      expect(reply).to.match(/^HTTP\/1\.1 403 /);
      expect(h.logs.lines.some((l) => l.event === 'guarded_target_refused' && String(l.path).startsWith('/nf/auth/'))).to.equal(true);
    });
  }

  for (const method of ['GET', 'HEAD', 'PUT']) {
    it(`refuses ${method} to the login target too`, async () => {
      const reply = await rawRequest(h.fg.url, `${method} /cgi/login?login=alice&passwd=alice-pw HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply).to.match(/^HTTP\/1\.1 403 /);
      expect(h.gateway.logins).to.have.length(0);
    });
  }

  it('refuses a chunked post, and does not read its body as a second request', async () => {
    const smuggled = `POST /cgi/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\nPOST /cgi/login HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    const reply = await rawRequest(h.fg.url, smuggled);
    expect(reply).to.match(/^HTTP\/1\.1 403 /);
    expect(h.gateway.logins).to.have.length(0);
  });

  it('answers a request with both Content-Length and Transfer-Encoding with 400', async () => {
    const reply = await rawRequest(h.fg.url, `POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`);
    expect(reply).to.match(/^HTTP\/1\.1 400 /);
  });

  it('answers an unreadable percent-encoding with 400, not 5xx', async () => {
    const reply = await rawRequest(h.fg.url, 'GET /cgi/%zzlogin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 400 /);
    expect(h.logs.lines.find((l) => l.event === 'ambiguous_target')).to.include({ reason: 'bad_escape', path: '/cgi/%zzlogin' });
  });

  it('answers an absolute-form target no URL parser can read with 400', async () => {
    const reply = await rawRequest(h.fg.url, 'GET http://x:99999/cgi/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 400 /);
    expect(h.logs.lines.find((l) => l.event === 'ambiguous_target')).to.include({ reason: 'unreadable_absolute_form' });
  });

  it('refuses a WebSocket upgrade to the login target', async () => {
    const status = await new Promise<number | string>((resolve) => {
      const req = request(`${h.fg.url}/cgi/login`, { headers: { Connection: 'Upgrade', Upgrade: 'websocket' } });
      req.on('upgrade', () => resolve('upgraded'));
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', () => resolve('error'));
      req.end();
    });
    expect(status).to.equal(403);
  });
});
