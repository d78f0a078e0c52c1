import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FactorgateError } from '../../src/errors.js';
import { GatewayReplayer } from '../../src/gateway/replay.js';
import { createGatewaySimulator, type GatewaySimulator, type Refusal } from '../../src/demo/simulators/gateway/index.js';
import type { Reply } from '../helpers/browser.js';
import { LOGIN_PAGE } from '../helpers/gateway_stub.js';
import { closedPortUrl, startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { startScriptedServer, type ScriptedAnswer, type ScriptedServer } from '../helpers/scripted_server.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { follow, postPassword } from '../manage/helpers/portal_app.js';

// The replay decides "was the login accepted" from three signs: no session cookie, sent back to
// the login page, an error status. The gateway simulator's refuseAs shows each alone, so a
// refusal read from only some of them would count as success here: a second factor followed by
// a gateway session for a wrong password, or a wrong password into /manageotp (which, without
// LDAP, checks the password by this replay).

const USERS = { alice: { password: 'alice-pw' } };
const KEY = 'eeeeeeee-5555-4e22-8018-e4cf70027375';
const REFUSALS: Array<Exclude<Refusal, 'loginPage'>> = ['errorPage', 'loginPageWithCookie', 'emptyCookie', 'expiredCookie', 'errorStatusWithCookie'];
/** The way of saying no that the log line names, for each of the simulator's refusals (with the gateway's status). */
const LOGGED_AS: Record<(typeof REFUSALS)[number], { refusal: string; httpStatus: number }> = {
  errorPage: { refusal: 'no_session_cookie', httpStatus: 200 },
  loginPageWithCookie: { refusal: 'back_to_login', httpStatus: 302 },
  emptyCookie: { refusal: 'no_session_cookie', httpStatus: 302 },
  expiredCookie: { refusal: 'no_session_cookie', httpStatus: 302 },
  errorStatusWithCookie: { refusal: 'error_status', httpStatus: 403 },
};
const CLIENT = { ip: '198.51.100.7', userAgent: 'Mozilla/5.0 (factorgate test browser)' };

const replayerFor = (url: string, timeoutMs = 2000) => new GatewayReplayer({
  gatewayUrl: url, loginTarget: '/cgi/login', loginPage: '/vpn/index.html', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs, sessionCheckPath: '/', logoutPath: '/cgi/logout', ownCookies: [],
});

/** The error a replay fails with (or undefined when it succeeds). */
const replayError = (replayer: GatewayReplayer, password: string) =>
  replayer.replay('alice', password, CLIENT).then(() => undefined, (err: unknown) => err as FactorgateError);

/** A full login whose second factor holds, up to the replay's answer to the browser (JSON, or the no-script page). */
async function loginThroughReplay(h: Harness, password: string, json = true): Promise<Reply> {
  const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
  const browser = h.browser();
  const started = (await startLogin(browser, 'alice', password)).json();
  const form = { passcode: '123456', csrf: started.csrf };
  const reply = json ? await browser.postJson('/mfa/passcode', form) : await browser.post('/mfa/passcode', form);
  tfa.done();
  return reply;
}

/** A gateway that serves its login page and answers the credential post as `post` says. */
function scriptedGateway(post: (req: IncomingMessage) => ScriptedAnswer) {
  return (req: IncomingMessage): ScriptedAnswer => {
    if (req.method === 'GET' && req.url === '/vpn/index.html') return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE };
    if (req.method === 'POST' && req.url === '/cgi/login') return post(req);
    return { status: 404 };
  };
}

const SUCCESS = { status: 302, headers: { Location: '/vpn/portal.html', 'Set-Cookie': 'NSC_AAAC=good-session; Path=/; HttpOnly' } };

function expectOneFailure(h: Harness, code: string): Record<string, unknown> {
  const failures = h.logs.lines.filter((l) => l.event === 'login_failed');
  expect(failures).to.have.length(1);
  expect(failures[0]).to.include({ code });
  expect(JSON.stringify(h.logs.lines)).not.to.include('alice-pw');
  return failures[0]!;
}

describe('security: the gateway replay reads every way a gateway refuses', () => {
  for (const refuseAs of REFUSALS) {
    describe(`a gateway that refuses a wrong password only by ${refuseAs}`, () => {
      let gateway: GatewaySimulator;
      beforeEach(async () => {
        gateway = createGatewaySimulator({ users: USERS, refuseAs });
        await gateway.listen();
      });
      afterEach(() => gateway.close());

      it('the replay counts the wrong password as refused, and the right one as accepted', async () => {
        const replayer = replayerFor(gateway.url);
        try {
          expect(await replayError(replayer, 'wrong-pw')).to.be.instanceOf(FactorgateError).and.include({ code: 'gateway_refused' });
          const accepted = await replayer.replay('alice', 'alice-pw', CLIENT);
          expect(accepted.location).to.equal('/portal/');
          expect(accepted.cookies).to.have.length(1);
          expect(accepted.cookies[0]).to.match(/^NSC_AAAC=[0-9a-f]{64}; Path=\/; HttpOnly$/);
        } finally {
          replayer.close();
        }
      });

      it('a full login with the wrong password ends refused after the second factor: no gateway cookie, one log line that says how the gateway said no', async () => {
        const h = await startHarness({ gateway: { url: gateway.url } });
        try {
          const reply = await loginThroughReplay(h, 'wrong-pw');
          expect(reply.status).to.equal(401);
          expect(reply.json()).to.deep.include({ status: 'failed', code: 'gateway_refused', message: 'The user name or password was not accepted. Try again.' });
          expect(reply.setCookies.filter((c) => c.startsWith('NSC_AAAC='))).to.deep.equal([]);
          expect(expectOneFailure(h, 'gateway_refused')).to.include({ detail: 'gateway did not accept the credentials', ...LOGGED_AS[refuseAs] });
        } finally {
          await h.close();
        }
      });

      it('a /manageotp sign-in with the wrong password is refused; the right one signs in', async () => {
        const dir = mkdtempSync(join(tmpdir(), 'fg-replay-'));
        const h = await startHarness({ gateway: { url: gateway.url }, otp: { enabled: true, sqlite: { path: join(dir, 'devices.sqlite') } } }, { anakam: false });
        try {
          const wrong = await postPassword(h.browser(), 'alice', 'wrong-pw');
          expect(wrong.body).to.include('The user name or password was not accepted');
          expect(wrong.body).not.to.include('Signed in as');
          const browser = h.browser();
          const page = await follow(browser, await postPassword(browser, 'alice', 'alice-pw'));
          expect(page.body).to.include('Signed in as <strong>alice</strong>');
        } finally {
          await h.close();
          rmSync(dir, { recursive: true, force: true });
        }
      });
    });
  }
});

describe('security: the gateway replay fails closed on a gateway that is down or odd', () => {
  let server: ScriptedServer | undefined;
  let h: Harness | undefined;
  let replayer: GatewayReplayer | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    replayer?.close();
    await h?.close();
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    replayer = h = server = dir = undefined;
  });

  const portalWith = async (url: string, limits: Record<string, number> = {}) => {
    dir = mkdtempSync(join(tmpdir(), 'fg-replay-'));
    return startHarness({ gateway: { url }, otp: { enabled: true, sqlite: { path: join(dir, 'devices.sqlite') } }, limits }, { anakam: false });
  };

  for (const status of [500, 502, 503]) {
    it(`a gateway ${status} at the replay is "gateway not answering" (502, gateway_unavailable), never "password not accepted"`, async () => {
      server = await startScriptedServer(scriptedGateway(() => ({ status, headers: { 'Set-Cookie': 'NSC_AAAC=x; Path=/' } })));
      replayer = replayerFor(server.url);
      expect(await replayError(replayer, 'alice-pw')).to.include({ code: 'gateway_unavailable', detail: 'gateway error on replay' });
      h = await startHarness({ gateway: { url: server.url } });
      const reply = await loginThroughReplay(h, 'alice-pw', false);
      expect(reply.status).to.equal(502);
      expect(reply.body).to.include('The gateway is not answering right now').and.not.include('not accepted');
      expect(expectOneFailure(h, 'gateway_unavailable')).to.include({ httpStatus: status });
    });
  }

  it('a gateway outage at /manageotp is a 502 page, not a wrong password: sign-ins during it do not lock the user out', async () => {
    const state = { down: true };
    server = await startScriptedServer(scriptedGateway(() => (state.down ? { status: 500 } : SUCCESS)));
    h = await portalWith(server.url, { wrongAnswersPerUser: 2, loginStartsPerUser: 50 });
    for (let i = 0; i < 3; i++) {
      const reply = await postPassword(h.browser(), 'alice', 'alice-pw');
      expect(reply.status).to.equal(502);
      expect(reply.body).to.include('The gateway is not answering right now');
    }
    expect(h.logs.lines.filter((l) => l.event === 'manageotp_signin_failed')).to.deep.equal([]);
    expect(h.logs.lines.filter((l) => l.event === 'manageotp_refused').map((l) => l.code)).to.deep.equal(Array(3).fill('gateway_unavailable'));
    state.down = false;
    const browser = h.browser();
    const page = await follow(browser, await postPassword(browser, 'alice', 'alice-pw'));
    expect(page.body).to.include('Signed in as <strong>alice</strong>');
  });

  it('a gateway that cannot be reached: the replay, a login and a /manageotp sign-in all fail closed as gateway_unavailable', async () => {
    const nowhere = await closedPortUrl();
    replayer = replayerFor(nowhere);
    const unreachable = await replayError(replayer, 'alice-pw');
    expect(unreachable).to.include({ code: 'gateway_unavailable' });
    expect(unreachable!.detail).to.match(/^replay to the gateway failed: \S+/);

    h = await portalWith(nowhere, { wrongAnswersPerUser: 1 });
    for (let i = 0; i < 2; i++) expect((await postPassword(h.browser(), 'alice', 'alice-pw')).status).to.equal(502);
    expect(h.logs.lines.filter((l) => l.event === 'manageotp_signin_failed')).to.deep.equal([]);
    await h.close();

    // The gateway answers the login page, then goes away before the replay.
    server = await startScriptedServer(scriptedGateway(() => SUCCESS));
    h = await startHarness({ gateway: { url: server.url } });
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    await server.close();
    server = undefined;
    const reply = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    tfa.done();
    expect(reply.status).to.equal(502);
    expect(reply.json()).to.include({ code: 'gateway_unavailable' });
    expect(expectOneFailure(h, 'gateway_unavailable')).to.include({ cause: 'ECONNREFUSED' });
  });

  it('a huge answer from the gateway fails closed as gateway_unavailable, and factorgate keeps serving', async () => {
    const huge = 'x'.repeat(GatewayReplayer.MAX_REPLY_BYTES + 1);
    server = await startScriptedServer(scriptedGateway(() => ({ ...SUCCESS, body: huge })));
    replayer = replayerFor(server.url);
    expect(await replayError(replayer, 'alice-pw')).to.include({ code: 'gateway_unavailable' });
    h = await startHarness({ gateway: { url: server.url } });
    const reply = await loginThroughReplay(h, 'alice-pw');
    expect(reply.status).to.equal(502);
    expect(reply.json()).to.include({ code: 'gateway_unavailable' });
    expect(reply.setCookies.filter((c) => c.startsWith('NSC_AAAC='))).to.deep.equal([]);
    expect((await h.browser().get('/vpn/index.html')).status).to.equal(200);
  });

  it('the browser\'s User-Agent (at most 512 characters) and the client address reach the gateway on the replay', async () => {
    const posts: Array<Record<string, unknown>> = [];
    server = await startScriptedServer(scriptedGateway((req) => {
      posts.push({ ...req.headers });
      return SUCCESS;
    }));
    replayer = replayerFor(server.url);
    await replayer.replay('alice', 'alice-pw', CLIENT);
    await replayer.replay('alice', 'alice-pw', { ip: '2001:db8::7', userAgent: `Mozilla/5.0 ${'y'.repeat(600)}` });
    expect(posts[0]).to.include({ 'user-agent': CLIENT.userAgent, 'x-forwarded-for': CLIENT.ip });
    expect(posts[1]).to.include({ 'user-agent': `Mozilla/5.0 ${'y'.repeat(600)}`.slice(0, 512), 'x-forwarded-for': '2001:db8::7' });

    h = await startHarness({ gateway: { url: server.url } });
    expect((await loginThroughReplay(h, 'alice-pw')).json()).to.include({ status: 'done' });
    // Node's fetch (the test's browser) says "node"; axios, left to itself, would say "axios/…".
    expect(posts[2]).to.include({ 'user-agent': 'node', 'x-forwarded-for': '127.0.0.1' });
  });

  it('the configured secret header reaches the gateway on the replay, the session check and the logout', async () => {
    const seen: Array<string | string[] | undefined> = [];
    server = await startScriptedServer((req) => {
      seen.push(req.headers['x-factorgate-secret']);
      return req.method === 'POST' ? SUCCESS : { status: 200 };
    });
    replayer = new GatewayReplayer({
      gatewayUrl: server.url, loginTarget: '/cgi/login', loginPage: '/vpn/index.html', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs: 2000, sessionCheckPath: '/', logoutPath: '/cgi/logout', ownCookies: [],
      secretHeader: { name: 'X-Factorgate-Secret', value: 'shared-with-the-gateway' },
    });
    const session = await replayer.replay('alice', 'alice-pw', CLIENT);
    expect(await replayer.accepts(session, CLIENT, Date.now() + 60_000)).to.equal(true);
    await replayer.logout(session, CLIENT);
    expect(seen).to.deep.equal(Array(3).fill('shared-with-the-gateway'));
  });

  it('a gateway cookie for another domain, or otherwise invalid for the gateway\'s URL, is dropped: the session cookie still counts', async () => {
    const cookies = ['tracker=1; Domain=other.example; Path=/', 'wide=1; Domain=com; Path=/', '=no-name', 'NSC_AAAC=good-session; Path=/; HttpOnly', 'NSC_TMAS=1; Path=/'];
    server = await startScriptedServer(scriptedGateway(() => ({ status: 302, headers: { Location: '/vpn/portal.html', 'Set-Cookie': cookies } })));
    replayer = replayerFor(server.url);
    const result = await replayer.replay('alice', 'alice-pw', CLIENT);
    expect(result.cookies).to.deep.equal(['NSC_AAAC=good-session; Path=/; HttpOnly', 'NSC_TMAS=1; Path=/']);

    h = await startHarness({ gateway: { url: server.url } });
    const reply = await loginThroughReplay(h, 'alice-pw');
    expect(reply.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect(reply.setCookies.filter((c) => !c.startsWith('authkey='))).to.deep.equal(['NSC_AAAC=good-session; Path=/; HttpOnly', 'NSC_TMAS=1; Path=/']);
  });

  it('a session cookie only for another domain is no session: refused', async () => {
    server = await startScriptedServer(scriptedGateway(() => ({ status: 302, headers: { Location: '/vpn/portal.html', 'Set-Cookie': 'NSC_AAAC=good-session; Domain=other.example; Path=/' } })));
    replayer = replayerFor(server.url);
    expect(await replayError(replayer, 'alice-pw')).to.include({ code: 'gateway_refused' });
  });

  describe('each sign of refusal at its edges, with everything else saying success', () => {
    const cases: Array<[string, ScriptedAnswer]> = [
      ['status 400 with a session cookie', { status: 400, headers: { 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }],
      ['status 499 with a session cookie', { status: 499, headers: { 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }],
      ['back to the login page spelled in another case', { status: 302, headers: { Location: '/VPN/Index.HTML?error=1', 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }],
      ['back to the login page as an absolute URL with the gateway\'s public name', { status: 302, headers: { Location: 'https://vpn.example.com/vpn/index.html?error=1', 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }],
      ['back to the login page through a dot segment', { status: 302, headers: { Location: '/vpn/./index.html', 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }],
      ['cookies, but not the session cookie', { status: 302, headers: { Location: '/vpn/portal.html', 'Set-Cookie': ['NSC_TMAS=1; Path=/', 'nsc_aaac=s; Path=/'] } }],
    ];
    for (const [name, answer] of cases) {
      it(`${name}: refused`, async () => {
        server = await startScriptedServer(scriptedGateway(() => answer));
        replayer = replayerFor(server.url);
        expect(await replayError(replayer, 'alice-pw')).to.include({ code: 'gateway_refused' });
      });
    }
  });

  it('an empty Location is the URL posted to, as a browser reads it: from a gateway whose login form posts to its own page, that is back to the login page, refused', async () => {
    server = await startScriptedServer((req) => (req.method === 'POST' && req.url === '/login'
      ? { status: 302, headers: { Location: '', 'Set-Cookie': 'NSC_AAAC=s; Path=/' } }
      : { status: 404 }));
    replayer = new GatewayReplayer({
      gatewayUrl: server.url, loginTarget: '/login', loginPage: '/login', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs: 2000, sessionCheckPath: '/', logoutPath: '/logout', ownCookies: [],
    });
    const refused = await replayError(replayer, 'alice-pw');
    expect(refused).to.include({ code: 'gateway_refused' });
    expect(refused!.extra).to.include({ refusal: 'back_to_login' });
  });

  it('a replay once the login\'s deadline has come fails as no_login, saying so in the log, and never posts the password', async () => {
    const posts: string[] = [];
    server = await startScriptedServer(scriptedGateway((req) => {
      posts.push(req.url ?? '');
      return SUCCESS;
    }));
    replayer = replayerFor(server.url);
    const late = await replayer.replay('alice', 'alice-pw', CLIENT, Date.now()).then(() => undefined, (err: unknown) => err as FactorgateError);
    expect(late).to.be.instanceOf(FactorgateError).and.include({ code: 'no_login', detail: 'login deadline passed before the replay' });
    expect(posts).to.deep.equal([]);
  });

  it('a success whose Location is no URL sends the browser to /', async () => {
    server = await startScriptedServer(scriptedGateway(() => ({ ...SUCCESS, headers: { ...SUCCESS.headers, Location: 'http://bad host/vpn/portal.html' } })));
    replayer = replayerFor(server.url);
    expect((await replayer.replay('alice', 'alice-pw', CLIENT)).location).to.equal('/');
  });

  it('a success with an empty Location sends the browser to /, not to the gateway URL\'s own path', async () => {
    server = await startScriptedServer(scriptedGateway(() => ({ ...SUCCESS, headers: { ...SUCCESS.headers, Location: '' } })));
    replayer = replayerFor(`${server.url}/gateway/root/`);
    expect((await replayer.replay('alice', 'alice-pw', CLIENT)).location).to.equal('/');
  });

  it('a success without Location sends the browser to /, never /undefined, with the script and without', async () => {
    server = await startScriptedServer(scriptedGateway(() => ({ status: 200, headers: { 'Set-Cookie': 'NSC_AAAC=good-session; Path=/' }, body: 'welcome' })));
    replayer = replayerFor(server.url);
    expect((await replayer.replay('alice', 'alice-pw', CLIENT)).location).to.equal('/');
    h = await startHarness({ gateway: { url: server.url } });
    expect((await loginThroughReplay(h, 'alice-pw')).json()).to.deep.equal({ status: 'done', location: '/' });
    const page = await loginThroughReplay(h, 'alice-pw', false);
    expect(page.status).to.equal(303);
    expect(page.headers.get('location')).to.equal('/');
  });
});

describe('security: a held gateway session is checked and ended with its own cookies, and any doubt is a no', () => {
  const SESSION = { cookies: ['NSC_AAAC=held-session; Path=/; HttpOnly'], location: '/' };
  let server: ScriptedServer | undefined;
  let replayer: GatewayReplayer | undefined;
  let seen: Array<{ url: string | undefined; cookie: string | undefined; userAgent: string | undefined }>;
  afterEach(async () => {
    replayer?.close();
    await server?.close();
    replayer = server = undefined;
  });

  /** A gateway whose session check (GET /) and logout (GET /cgi/logout) answer as given. */
  async function gatewayAnswering(check: ScriptedAnswer, logout: ScriptedAnswer = { status: 200 }) {
    seen = [];
    server = await startScriptedServer((req) => {
      seen.push({ url: req.url, cookie: req.headers.cookie, userAgent: req.headers['user-agent'] });
      return req.url === '/cgi/logout' ? logout : check;
    });
    replayer = replayerFor(server.url);
    return replayer;
  }

  const future = () => Date.now() + 60_000;

  it('a session the gateway still serves is accepted; the check carries its cookie and the browser\'s User-Agent', async () => {
    const gateway = await gatewayAnswering({ status: 200, body: 'portal' });
    expect(await gateway.accepts(SESSION, CLIENT, future())).to.equal(true);
    expect(seen).to.deep.equal([{ url: '/', cookie: 'NSC_AAAC=held-session', userAgent: CLIENT.userAgent }]);
  });

  const refusals: Array<[string, ScriptedAnswer]> = [
    ['status 400', { status: 400 }],
    ['status 500', { status: 500 }],
    ['a redirect to the login page', { status: 302, headers: { Location: '/vpn/index.html' } }],
    ['a redirect to the login page in another case', { status: 302, headers: { Location: '/VPN/index.html' } }],
  ];
  for (const [name, answer] of refusals) {
    it(`a session answered by ${name} is not accepted`, async () => {
      const gateway = await gatewayAnswering(answer);
      expect(await gateway.accepts(SESSION, CLIENT, future())).to.equal(false);
    });
  }

  it('a session checked once the login\'s deadline has come is not accepted, and the gateway is not asked', async () => {
    const gateway = await gatewayAnswering({ status: 200 });
    expect(await gateway.accepts(SESSION, CLIENT, Date.now())).to.equal(false);
    expect(seen).to.deep.equal([]);
  });

  it('a gateway that cannot be reached does not accept the session', async () => {
    const gateway = replayerFor(await closedPortUrl());
    replayer = gateway;
    expect(await gateway.accepts(SESSION, CLIENT, future())).to.equal(false);
  });

  it('a held cookie that cannot be read as one (a damaged stored session) is left out: the others reach the gateway as they are', async () => {
    const gateway = await gatewayAnswering({ status: 200 });
    const damaged = { cookies: ['=no-name', 'NSC_AAAC=held-session; Path=/; HttpOnly', 'NSC_TMAS=1; Path=/'], location: '/' };
    expect(await gateway.accepts(damaged, CLIENT, future())).to.equal(true);
    await gateway.logout(damaged, CLIENT);
    expect(seen.map((s) => s.cookie)).to.deep.equal(['NSC_AAAC=held-session; NSC_TMAS=1', 'NSC_AAAC=held-session; NSC_TMAS=1']);
  });

  it('logout sends the session\'s cookie to the logout path', async () => {
    const gateway = await gatewayAnswering({ status: 200 });
    await gateway.logout(SESSION, CLIENT);
    expect(seen).to.deep.equal([{ url: '/cgi/logout', cookie: 'NSC_AAAC=held-session', userAgent: CLIENT.userAgent }]);
  });

  for (const status of [400, 503]) {
    it(`a logout answered with ${status} throws gateway_unavailable: the session may still be open`, async () => {
      const gateway = await gatewayAnswering({ status: 200 }, { status });
      const error = await gateway.logout(SESSION, CLIENT).then(() => undefined, (err: unknown) => err as FactorgateError);
      expect(error).to.be.instanceOf(FactorgateError).and.include({ code: 'gateway_unavailable', detail: 'gateway error on logout' });
      expect(error!.extra).to.deep.equal({ httpStatus: status });
    });
  }

  it('a logout the gateway cannot take throws gateway_unavailable, saying how the call failed', async () => {
    const gateway = replayerFor(await closedPortUrl());
    replayer = gateway;
    const error = await gateway.logout(SESSION, CLIENT).then(() => undefined, (err: unknown) => err as FactorgateError);
    expect(error).to.be.instanceOf(FactorgateError).and.include({ code: 'gateway_unavailable' });
    expect(error!.detail).to.match(/^logout at the gateway failed: \S+/);
    expect(error!.extra).to.deep.equal({ cause: 'ECONNREFUSED' });
  });
});
