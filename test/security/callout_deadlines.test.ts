import { expect } from 'chai';
import nock from 'nock';
import { GatewayReplayer } from '../../src/gateway/replay.js';
import { LOGIN_PAGE } from '../helpers/gateway_stub.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { authReply, challengeReply, commandOf } from '../helpers/anakam_replies.js';
import { startScriptedServer, type ScriptedAnswer, type ScriptedServer } from '../helpers/scripted_server.js';

// Servers that send their headers at once and then one byte at a time keep a socket-idle timeout
// from ever firing. None of these tests measures time: without a deadline on the whole call each
// of them hangs until mocha's own timeout fails it. Every server here is real, and nock is off:
// its interceptor reads replies its own way, and a socket-idle timeout then fires on a trickle too.

const KEY = 'dddddddd-4444-4e22-8018-e4cf70027375';
const XML = { 'Content-Type': 'application/xml' };

/** Answers of a two-factor server that work: the passcode path up to the dialog. */
function anakamAnswer(body: string): ScriptedAnswer {
  if (body === '') return { status: 200, headers: XML, body: authReply(KEY, 'alice') };
  const command = commandOf(body);
  if (command === 'SELECT_METHOD') return { status: 200, headers: XML, body: challengeReply('METHOD_SELECTED', {}, KEY) };
  if (command === 'GET_PARAMS') return { status: 200, headers: XML, body: challengeReply('PASSCODE_SENT', { destination: 'a***@example.com' }, KEY) };
  if (command === 'VERIFY_PASSCODE') return { status: 200, headers: XML, body: challengeReply('AUTHENTICATED', {}, KEY) };
  if (command === 'COMPLETE') return { status: 200, headers: XML, body: challengeReply('COMPLETE', {}, KEY) };
  return { status: 500 };
}

/** A gateway whose login page is served and whose answer to the credential post is dripped while `hostile`. */
function gatewayAnswer(state: { hostile: boolean }) {
  return (req: { method?: string; url?: string }): ScriptedAnswer => {
    if (req.method === 'GET' && req.url === '/vpn/index.html') return { status: 200, headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: LOGIN_PAGE };
    if (req.method === 'POST' && req.url === '/cgi/login') {
      return state.hostile ? 'trickle' : { status: 302, headers: { Location: '/vpn/portal.html', 'Set-Cookie': 'NSC_AAAC=good-session; Path=/; HttpOnly' } };
    }
    return { status: 404 };
  };
}

describe('security: every callout has a deadline on the whole call, body included', () => {
  let h: Harness | undefined;
  let server: ScriptedServer | undefined;
  let tfaServer: ScriptedServer | undefined;
  before(() => nock.restore());
  after(() => nock.activate());
  afterEach(async () => {
    await h?.close();
    await server?.close();
    await tfaServer?.close();
    h = server = tfaServer = undefined;
  });

  it('a two-factor server that sends headers then trickles one byte at a time: the login ends with the two-factor-unavailable page and one log line', async () => {
    server = await startScriptedServer(() => 'trickle');
    h = await startHarness({ anakam: { baseUrl: server.url, timeoutMs: 300 } });
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw', false);
    expect(reply.status).to.equal(503);
    expect(reply.body).to.include('The two-factor service is not answering right now').and.include('href="/vpn/index.html"');
    const failures = h.logs.lines.filter((l) => l.event === 'login_failed');
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ code: 'tfa_unavailable', cause: 'timeout' });
    expect(h.gateway.logins).to.have.length(0);
  });

  it('more trickling two-factor calls than anakam.maxSockets at once do not starve a normal login started after their deadlines', async () => {
    const state = { hostile: true };
    server = await startScriptedServer((_req, body) => (state.hostile ? 'trickle' : anakamAnswer(body)));
    h = await startHarness({ anakam: { baseUrl: server.url, timeoutMs: 300, maxSockets: 2 } });
    const attacks = await Promise.all(Array.from({ length: 5 }, () => startLogin(h!.browser(), 'alice', 'alice-pw')));
    expect(attacks.map((r) => r.json().code)).to.deep.equal(Array(5).fill('tfa_unavailable'));

    state.hostile = false;
    const normal = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(normal.status).to.equal(200);
    expect(normal.json()).to.deep.include({ status: 'challenge' });
  });

  it('a gateway that trickles its reply to the replayed post: the login ends with the gateway-unavailable page and one log line', async () => {
    server = await startScriptedServer(gatewayAnswer({ hostile: true }));
    tfaServer = await startScriptedServer((_req, body) => anakamAnswer(body));
    h = await startHarness({ gateway: { url: server.url, timeoutMs: 300 }, anakam: { baseUrl: tfaServer.url } });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const reply = await browser.post('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(reply.status).to.equal(502);
    expect(reply.body).to.include('The gateway is not answering right now');
    expect(reply.setCookies.some((c) => c.startsWith('NSC_'))).to.equal(false);
    const failures = h.logs.lines.filter((l) => l.event === 'login_failed');
    expect(failures).to.have.length(1);
    expect(failures[0]).to.include({ code: 'gateway_unavailable', cause: 'timeout' });
  });

  describe('the gateway replay on its own', () => {
    const options = (url: string, timeoutMs: number) => ({
      gatewayUrl: url, loginTarget: '/cgi/login', loginPage: '/vpn/index.html', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs, sessionCheckPath: '/', logoutPath: '/cgi/logout', ownCookies: [],
    });
    const client = { ip: '192.0.2.10' };
    let replayer: GatewayReplayer | undefined;
    afterEach(() => replayer?.close());

    it('more trickling replays than its connection pool at once do not starve a normal replay started after their deadlines', async () => {
      const state = { hostile: true };
      server = await startScriptedServer(gatewayAnswer(state));
      replayer = new GatewayReplayer(options(server.url, 300));
      const attacks = await Promise.all(Array.from({ length: GatewayReplayer.MAX_SOCKETS + 2 }, () => replayer!.replay('alice', 'alice-pw', client).then(() => 'accepted', (err: { code?: string }) => err.code)));
      expect(new Set(attacks)).to.deep.equal(new Set(['gateway_unavailable']));

      state.hostile = false;
      const normal = await replayer.replay('alice', 'alice-pw', client);
      expect(normal.cookies).to.deep.equal(['NSC_AAAC=good-session; Path=/; HttpOnly']);
    });

    it('a login whose deadline has come never posts the password to the gateway', async () => {
      let posts = 0;
      server = await startScriptedServer((req) => {
        posts += 1;
        return gatewayAnswer({ hostile: false })(req);
      });
      replayer = new GatewayReplayer({ ...options(server.url, 2000), now: () => 5000 });
      for (const deadline of [5000, 4999]) {
        const err = await replayer.replay('alice', 'alice-pw', client, deadline).then(() => undefined, (e: unknown) => e);
        expect(err).to.include({ code: 'no_login' });
      }
      expect(posts).to.equal(0);
      expect((await replayer.replay('alice', 'alice-pw', client, 5000 + 2000)).cookies).to.have.length(1);
    });

    it('a trickling gateway is cut off by the login\'s own deadline when that comes before gateway.timeoutMs', async () => {
      server = await startScriptedServer(gatewayAnswer({ hostile: true }));
      replayer = new GatewayReplayer(options(server.url, 60_000));
      const err = await replayer.replay('alice', 'alice-pw', client, Date.now() + 300).then(() => undefined, (e: unknown) => e);
      expect(err).to.include({ code: 'gateway_unavailable' });
      expect((err as { extra: unknown }).extra).to.deep.include({ cause: 'timeout' });
    });
  });
});
