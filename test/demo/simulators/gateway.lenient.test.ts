import { expect } from 'chai';
import { createGatewaySimulator, type GatewaySimulator } from '../../../src/demo/simulators/gateway/index.js';
import { lenientReadings, readsAsLogin } from '../../../src/demo/simulators/gateway/lenient_paths.js';
import { rawPost, rawRequest } from '../../helpers/raw_http.js';

const USERS = { alice: { password: 'alice-secret-1' } };
const FORM = 'login=alice&passwd=alice-secret-1';

// Spellings of the login path that some real backend reads as /cgi/login (or as a path under /nf/auth).
const LOGIN_SPELLINGS = [
  '/cgi/login',
  '/x%3f/../cgi/login',
  '/x%23/../cgi/login',
  '/x%253f/../cgi/login',
  '/static%3fa/../../cgi/login',
  '/cgi/login;%5c..',
  '/cgi/login;%255c..',
  '/cgi;x=1/login',
  '/cgi/login;/x',
  '/x/..;/cgi/login',
  '/CGI/LOGIN',
  '/cg%c4%b1/log%c4%b1n', // dotless i, which upper-cases to I
  '/cgi%2flogin',
  '/cgi%252flogin',
  '/cgi%5clogin',
  '/x%c0%af..%c0%afcgi/login',
  '/cgi%ef%bc%8flogin',
  '/cgi/login.',
  '/cgi/login%20',
  '/cgi/login::$DATA', // Windows: the file's unnamed stream
  '/cgi::$INDEX_ALLOCATION/login', // Windows: the directory itself
  '//evil/cgi/login',
  '/nf/auth/doAuthentication.do',
  '/NF/Auth/getAuthenticationRequirements.do',
  '/nf/x/../auth',
];

describe('gateway simulator: lenientPaths', () => {
  let gateway: GatewaySimulator | undefined;
  afterEach(async () => { await gateway?.close(); gateway = undefined; });

  async function start(options: { lenientPaths?: boolean }): Promise<GatewaySimulator> {
    gateway = createGatewaySimulator({ users: USERS, ...options });
    await gateway.listen();
    return gateway;
  }

  it('reads each spelling as a login path', () => {
    for (const target of LOGIN_SPELLINGS) expect(readsAsLogin(target), `${target} reads as ${lenientReadings(target).join(', ')}`).to.equal(true);
    for (const target of ['/vpn/index.html', '/cgi/loginx', '/cgi/logout', '/nf/authx', '/echo?x=/cgi/login', '/cgi/loginx::$DATA']) expect(readsAsLogin(target), target).to.equal(false);
  });

  it('logs alice in for every spelling sent raw, and records each post with its target', async () => {
    const gateway = await start({ lenientPaths: true });
    for (const target of LOGIN_SPELLINGS) {
      const reply = await rawRequest(gateway.url, rawPost(target, FORM));
      expect(reply, target).to.match(/^HTTP\/1\.1 302 [\s\S]*Set-Cookie: NSC_AAAC=/);
    }
    expect(gateway.loginPosts().map((p) => p.target)).to.deep.equal(LOGIN_SPELLINGS);
    expect(gateway.requestsSeen().map((r) => r.target)).to.deep.equal(LOGIN_SPELLINGS);
  });

  it('records every request with its Cookie header, and serves the other routes as before', async () => {
    const gateway = await start({ lenientPaths: true });
    const reply = await rawRequest(gateway.url, 'GET /echo?q=%2F HTTP/1.1\r\nHost: x\r\nCookie: a=1\r\nConnection: close\r\n\r\n');
    expect(reply).to.match(/^HTTP\/1\.1 200 /);
    expect(gateway.requestsSeen()).to.deep.equal([{ method: 'GET', target: '/echo?q=%2F', cookie: 'a=1' }]);
    expect(gateway.loginPosts()).to.deep.equal([]);
  });

  it('is off by default: only /cgi/login itself is the login, and nothing is recorded', async () => {
    const gateway = await start({});
    for (const target of ['/x%3f/../cgi/login', '/cgi;x=1/login', '/cgi%2flogin', '/nf/auth/doAuthentication.do']) {
      const reply = await rawRequest(gateway.url, rawPost(target, FORM));
      expect(reply, target).to.match(/^HTTP\/1\.1 404 /);
    }
    expect(gateway.loginPosts()).to.deep.equal([]);
    expect(gateway.requestsSeen()).to.deep.equal([]);
  });
});
