import { expect } from 'chai';
import WebSocket from 'ws';
import { rawPost, rawRequest } from '../helpers/raw_http.js';
import { ALICE, COOKIE_HEADER, startLenientStack, type LenientStack } from '../helpers/lenient_gateway.js';
import { FRONTS } from '../helpers/fronts.js';

// The guard and the gateway must read the same path. Each target below is one a lenient gateway
// (the simulator in lenientPaths mode) reads as its login, or as a path below it, while a guard
// that judged another reading than the one it forwards let it through with the password alone.
// Every test runs against factorgate itself and against real nginx and HAProxy running the edge
// configuration `factorgate edge` generates (edge mode), whose guard must hold the same.

const REPORTED = [
  '/x%3f/../cgi/login',
  '/x%23/../cgi/login',
  '/x%253f/../cgi/login',
  '/static%3fa/../../cgi/login',
  '/cgi/login;%5c..',
  '/cgi/login;%255c..',
];

const VARIANTS = [
  '/x%3F/../cgi/login',
  '/x%2523/../cgi/login',
  '/x%25253f/../cgi/login',
  '/a%3fb/c%3fd/../../../cgi/login',
  '/x/..;/cgi/login',
  '/x/..;a=b/cgi/login',
  '/x/.;/../cgi/login',
  '/cgi;x=1/login',
  '/cgi/login;/x',
  '/cgi/login;jsessionid=1',
  '/cgi/%6cogin;%2f..',
  '/cgi%2flogin',
  '/cgi%2Flogin',
  '/cgi%252flogin',
  '/cgi%5clogin',
  '/x%5c..%5ccgi/login',
  '/x%c0%af..%c0%afcgi/login',
  '/x%e0%80%af..%e0%80%afcgi/login',
  '/cgi%ef%bc%8flogin',
  '/x/%ef%bc%8e%ef%bc%8e/cgi/login',
  '/x%ef%bc%bc..%ef%bc%bccgi/login',
  '/cgi/login%2e',
  '/cgi/login.',
  '/cgi/login%20',
  '/cgi/login::$DATA',
  '/cgi/login:$DATA',
  '/cgi/login%3a%3a$DATA',
  '/cgi/login.%20::$DATA',
  '/cgi::$INDEX_ALLOCATION/login',
  '/cgi:$i30:$INDEX_ALLOCATION/login',
  '/x/..::$INDEX_ALLOCATION/cgi/login',
  '/nf/auth/doAuthentication.do::$DATA',
  '/x/%2e%2e/cgi/login',
  '/x/%2E%2e/cgi/login',
  '/x/.%2e/cgi/login',
  '/cg%c4%b1/log%c4%b1n',
  '/CGI/LOGIN',
  '//evil/cgi/login',
  '/nf/auth/doAuthentication.do',
  '/NF/AUTH/getAuthenticationRequirements.do',
  '/nf/auth;x/doAuthentication.do',
  '/nf/x/../auth/doAuthentication.do',
  '/nf%2fauth/doAuthentication.do',
  'http://gateway.example/cgi/login',
  'http://gateway.example/x%3f/../cgi/login',
];

for (const front of FRONTS) {
  describe(`security (${front}): a request target read one way by the guard and another by the gateway`, function () {
    this.timeout(30_000);
    let s: LenientStack;
    before(async () => { s = await startLenientStack(front); });
    beforeEach(() => s.gateway.reset());
    after(async () => { await s.close(); });

    for (const target of [...REPORTED, ...VARIANTS]) {
      it(`POST ${target}: refused (400 ambiguous_target or 403 guarded_target_refused) and logged; the gateway logs no one in`, async () => {
        const mark = s.front.mark();
        const reply = await rawRequest(s.url, rawPost(target, `login=${ALICE.login}&passwd=${ALICE.passwd}`));
        expect(reply).not.to.match(/Set-Cookie: NSC_AAAC=/i);
        expect(s.gateway.loginPosts(), 'login posts the gateway received').to.deep.equal([]);
        const status = /^HTTP\/1\.1 (\d{3}) /.exec(reply)?.[1];
        expect(status, reply.slice(0, 200)).to.be.oneOf(['400', '403']);
        expect(reply).to.include('<!doctype html>');
        const event = status === '400' ? 'ambiguous_target' : 'guarded_target_refused';
        expect(await s.front.line(mark, (l) => l.event === event), `${event} logged`).not.to.equal(undefined);
      });
    }

    it('GET with the credentials in the query is refused the same way', async () => {
      const reply = await rawRequest(s.url, `GET /x%3f/../cgi/login?login=${ALICE.login}&passwd=${ALICE.passwd} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      expect(reply).to.match(/^HTTP\/1\.1 400 /);
      expect(s.gateway.loginPosts()).to.deep.equal([]);
    });

    it('the ambiguous_target line names the reason and never the query', async () => {
      const mark = s.front.mark();
      await rawRequest(s.url, `GET /x%3f/../cgi/login?passwd=${ALICE.passwd} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
      const line = await s.front.line(mark, (l) => l.event === 'ambiguous_target');
      expect(line).to.include({ method: 'GET', reason: 'escaped_character' });
      expect(JSON.stringify(line)).not.to.include(ALICE.passwd);
    });
  });
}

for (const front of FRONTS) {
  describe(`security (${front}): ordinary gateway URLs pass byte for byte`, function () {
    this.timeout(30_000);
    let s: LenientStack;
    before(async () => { s = await startLenientStack(front); });
    beforeEach(() => s.gateway.reset());
    after(async () => { await s.close(); });

    // NetScaler Gateway, StoreFront, clientless VPN and EPA URLs, and query strings that carry escapes.
    const ORDINARY = [
      '/',
      '/vpn/index.html',
      '/vpn/index.html?lang=de',
      '/logon/LogonPoint/tmindex.html',
      '/logon/LogonPoint/receiver/js/ctxs.core.min.js?v=13.1.48',
      '/logon/themes/Default/css/base.css',
      '/Citrix/StoreWeb/',
      '/Citrix/StoreWeb/Resources/List',
      '/Citrix/StoreWeb/Resources/Icon/aGVsbG8=?size=32',
      '/Citrix/StoreWeb/Resources/LaunchIca/Q29udHJvbGxlci5Ob3RlcGFk.ica?CsrfToken=abc&IsUsingHttps=Yes',
      '/cvpn/http/intranet.example/docs/report.html;jsessionid=0A1B2C3D',
      '/cvpn/http/intranet.example/app;jsessionid=0A1B?x=1',
      '/cvpn/http/intranet.example:8080/wiki/User:Alice',
      '/cvpn/https/files.example/Shared%20Documents/%C3%A9t%C3%A9.pdf',
      '/epa/scripts/win/nsepa_setup.exe',
      '/epa/epa.html?req=1',
      '/vpns/portal/scripts/newbm.pl',
      '/menu/ss?sid=1&x=%3F',
      '/p/u/getServices.do',
      '/echo?next=%2Fcgi%2Flogin',
      '/echo?a=%2F%3F%23%25%5C%2E%2E%3B&b=../cgi/login&c=%c0%af',
      '/echo?q=/cgi/login;x',
      "/echo/~user/!$&'()*+,=:@-_.x",
      '/mfax/echo',
      '/manageotpx',
      '/cgi/loginx',
      '/cgi/logout',
      '/nf/authx',
    ];

    for (const target of ORDINARY) {
      it(`GET ${target} reaches the gateway exactly as sent`, async () => {
        const reply = await rawRequest(s.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
        expect(reply).to.match(/^HTTP\/1\.1 (200|302|404) /);
        expect(s.gateway.requestsSeen().map((r) => r.target)).to.deep.equal([target]);
      });
    }
  });
}

// A browser sends Path=/mfa and Path=/manageotp cookies with each of these (it matches cookie paths on the raw path).
const UNDER_OWN_COOKIE_PATHS = [
  '/mfa/..%2fstatic/hello.txt',
  '/mfa/..%2fecho',
  '/mfa/%2e%2e/echo',
  '/mfa/..;/echo',
  '/mfa/x/..%2f..%2fecho',
  '/mfa/..%5cecho',
  '/mfa/%ef%bc%8e%ef%bc%8e/echo',
  '/mfa/..%252fecho',
  '/manageotp/..%2fecho',
  '/manageotp/..;/echo',
  '/mfa',
  '/mfa/echo',
  '/manageotp/echo',
];

for (const front of FRONTS) {
  describe(`security (${front}): no request a browser sends factorgate's cookies with reaches the gateway`, function () {
    this.timeout(30_000);
    let s: LenientStack;
    before(async () => { s = await startLenientStack(front); });
    beforeEach(() => s.gateway.reset());
    after(async () => { await s.close(); });

    for (const target of UNDER_OWN_COOKIE_PATHS) {
      it(`GET ${target} with factorgate's cookies is not passed to the gateway`, async () => {
        const reply = await rawRequest(s.url, `GET ${target} HTTP/1.1\r\nHost: x\r\nCookie: ${COOKIE_HEADER}\r\nConnection: close\r\n\r\n`);
        expect(reply).to.match(/^HTTP\/1\.1 (400|404|200) /);
        expect(s.gateway.requestsSeen()).to.deep.equal([]);
      });
    }

    it('the login page fetch carries the gateway\'s cookies, never factorgate\'s', async () => {
      const reply = await rawRequest(s.url, `GET /vpn/index.html HTTP/1.1\r\nHost: x\r\nCookie: ${COOKIE_HEADER}\r\nConnection: close\r\n\r\n`);
      expect(reply).to.match(/^HTTP\/1\.1 200 /);
      expect(s.gateway.requestsSeen()).to.deep.equal([{ method: 'GET', target: '/vpn/index.html', cookie: 'NSC_TMAS=gateway-own' }]);
    });
  });
}

// factorgate's own pass-through removes its cookies even from requests no browser would send them
// with. (In edge mode the gateway's traffic does not pass factorgate: the browser keeps these
// cookies to /mfa and /manageotp, whose every raw path the edge sends to factorgate.)
describe('security: factorgate\'s pass-through never passes its cookies on', function () {
  this.timeout(30_000);
  let s: LenientStack;
  before(async () => { s = await startLenientStack(); });
  beforeEach(() => s.gateway.reset());
  after(async () => { await s.close(); });

  it('pass-through: the gateway\'s /echo sees the gateway\'s cookies, never factorgate\'s', async () => {
    const reply = await rawRequest(s.url, `GET /echo HTTP/1.1\r\nHost: x\r\nCookie: ${COOKIE_HEADER}\r\nConnection: close\r\n\r\n`);
    const echoed = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(echoed.headers.cookie).to.equal('NSC_TMAS=gateway-own');
  });

  it('pass-through: a Cookie header of factorgate\'s cookies alone is dropped', async () => {
    const reply = await rawRequest(s.url, `GET /echo HTTP/1.1\r\nHost: x\r\nCookie: authkey=a; fg_csrf=b\r\nConnection: close\r\n\r\n`);
    const echoed = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(echoed.headers).not.to.have.property('cookie');
  });

  it('pass-through: a cookie whose name merely contains one of factorgate\'s names passes untouched', async () => {
    const header = 'my_authkey=1; fg_csrf_x=2;  spaced = 3';
    const reply = await rawRequest(s.url, `GET /echo HTTP/1.1\r\nHost: x\r\nCookie: ${header}\r\nConnection: close\r\n\r\n`);
    const echoed = JSON.parse(reply.slice(reply.indexOf('\r\n\r\n') + 4)) as { headers: Record<string, string> };
    expect(echoed.headers.cookie).to.equal(header);
  });

  it('a WebSocket upgrade carries the gateway\'s cookies, never factorgate\'s', async () => {
    const ws = new WebSocket(`${s.url.replace(/^http/, 'ws')}/ws`, { headers: { Cookie: COOKIE_HEADER } });
    await new Promise((resolve, reject) => { ws.on('open', resolve); ws.on('error', reject); });
    ws.terminate();
    expect(s.gateway.requestsSeen().map((r) => r.cookie)).to.deep.equal(['NSC_TMAS=gateway-own']);
  });
});
