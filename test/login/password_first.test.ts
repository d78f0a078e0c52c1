import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';

// The default order without a directory (gateway.passwordCheck: first): the gateway checks the
// password before any code or push is sent; the session it opens is held by factorgate until the
// second factor holds, and logged out when the login ends any other way.

const AUTH_KEY = '11f16e1c-ed81-4e22-8018-e4cf70027375';
const TID = '353846450659';
const FIRST = { gateway: { passwordCheck: 'first' } };
const MANY_GUESSES = { limits: { wrongAnswersPerUser: 99, loginStartsPerUser: 1000, loginStartsPerClient: 10_000 } };
const pushOnly = { linotp: { urls: [LINOTP_URL], pollIntervalMs: 200 }, providers: { default: 'push' } };

/** Every request the two-factor and push servers were sent: none is scripted, so any would be recorded here. */
function callouts(): string[] {
  const seen: string[] = [];
  for (const origin of [ANAKAM_URL, LINOTP_URL]) nock(origin).persist().post(/.*/).reply(500, (uri) => { seen.push(uri); return ''; });
  return seen;
}

describe('the password is proven before any code or push is sent (gateway.passwordCheck: first)', () => {
  let h: Harness;
  afterEach(async () => {
    nock.cleanAll();
    await h.close();
  });

  for (const [name, overrides] of [['Anakam', {}], ['LinOTP push', pushOnly], ['TOTP', { providers: { default: 'totp' }, otp: { enabled: true } }]] as const) {
    it(`${name}: 100 wrong passwords send no code and no push, each answered on the login form as a refusal`, async function () {
      this.timeout(60_000);
      h = await startHarness({ ...FIRST, ...MANY_GUESSES, ...overrides });
      const sent = callouts();
      const answers = new Set<string>();
      for (let i = 0; i < 100; i++) {
        // Half through the dialog's JSON, half as a browser without the script posts the form.
        const json = i % 2 === 0;
        const reply = await startLogin(h.browser(), 'alice', `wrong-${i}`, json);
        answers.add(json ? String(reply.json().code) : `${reply.status} ${reply.headers.get('location') ?? /<h1>([^<]*)<\/h1>/.exec(reply.body)?.[1]}`);
      }
      expect(sent).to.deep.equal([]);
      // 99 guesses refused as such (a form post is sent back to the login form), then the lock (the 100th, a form post)
      expect([...answers].sort()).to.deep.equal(['303 /vpn/index.html', '429 Account locked', 'gateway_refused']);
      expect(h.gateway.sessions.size).to.equal(0);
    });
  }

  it('a wrong password and an unknown user get the same answer', async () => {
    h = await startHarness(FIRST);
    const wrong = await startLogin(h.browser(), 'alice', 'not-her-password');
    const unknown = await startLogin(h.browser(), 'nobody-here', 'not-her-password');
    expect(unknown.status).to.equal(wrong.status);
    expect(unknown.json()).to.deep.equal(wrong.json());
    expect(wrong.json()).to.include({ status: 'failed', code: 'gateway_refused' });
    const refusals = h.logs.lines.filter((l) => l.event === 'first_factor_refused');
    expect(refusals.map((l) => l.firstFactor)).to.deep.equal(['gateway', 'gateway']);
  });

  it('a locked known user and a locked unknown user get the same answer, saying how long the lock lasts', async () => {
    h = await startHarness({ ...FIRST, limits: { wrongAnswersPerUser: 2 } });
    const sent = callouts();
    for (const user of ['alice', 'nobody-here']) for (let i = 0; i < 2; i++) await startLogin(h.browser(), user, `wrong-${i}`);
    const known = await startLogin(h.browser(), 'alice', 'alice-pw');
    const unknown = await startLogin(h.browser(), 'nobody-here', 'alice-pw');
    expect(unknown.status).to.equal(known.status);
    expect(unknown.json()).to.deep.equal(known.json());
    expect(known.json()).to.include({ code: 'rate_limited', message: 'Too many wrong attempts: this account is locked for 15 minutes. Try again after that, or ask your help desk to unlock it.' });
    expect(sent).to.deep.equal([]);
  });

  it('without the script, a refused password leads back to the login form, the refusal above it and the user name kept, once', async () => {
    h = await startHarness(FIRST);
    const browser = h.browser();
    const refused = await startLogin(browser, "Dana O'Brien", 'not-her-password', false);
    expect(refused.status).to.equal(303);
    expect(refused.headers.get('location')).to.equal('/vpn/index.html');
    const note = refused.setCookies.find((c) => c.startsWith('fg_retry='))!;
    expect(note).to.match(/; Max-Age=120; Path=\/vpn\/index\.html; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(note).not.to.include('Brien');
    const page = await browser.get('/vpn/index.html');
    expect(page.body).to.match(/<input type="hidden" name="fg_csrf" value="[^"]+"><p class="fg-form-error" role="alert">The user name or password was not accepted\. Try again\.<\/p>/);
    expect(page.body).to.include(`<input name="login" value="Dana O'Brien">`); // as typed, not the user's key
    expect(page.setCookies.some((c) => /^fg_retry=;/.test(c))).to.equal(true);
    expect((await browser.get('/vpn/index.html')).body, 'the note is read once').not.to.include('fg-form-error');
  });

  it('a retry note that is forged, or moved from another cookie of factorgate, shows nothing', async () => {
    h = await startHarness(FIRST);
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    const formToken = page.setCookies.find((c) => c.startsWith('fg_csrf='))!.split(';')[0]!.slice('fg_csrf='.length);
    for (const value of ['forged', formToken]) {
      const shown = await browser.request('GET', '/vpn/index.html', undefined, { Cookie: `fg_retry=${value}` });
      expect(shown.body).not.to.include('fg-form-error');
    }
  });

  it('wrong passwords count toward the user\'s limit: past it, even the right one is refused before the gateway is asked', async () => {
    h = await startHarness({ ...FIRST, limits: { wrongAnswersPerUser: 3 } });
    for (let i = 0; i < 3; i++) expect((await startLogin(h.browser(), 'alice', 'nope')).json().code).to.equal('gateway_refused');
    const asked = h.gateway.logins.length;
    expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().code).to.equal('rate_limited');
    expect(h.gateway.logins.length).to.equal(asked);
  });

  it('the gateway session is held, not sent to the browser, until the passcode holds; then it is handed over without a second login', async () => {
    h = await startHarness(FIRST);
    new AnakamScript().passcodeSent('alice', AUTH_KEY).step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = await startLogin(browser, 'alice', 'alice-pw');
    expect(started.json().status).to.equal('challenge');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    expect(started.setCookies.some((c) => c.startsWith('NSC_'))).to.equal(false);
    const [heldId] = [...h.gateway.sessions.keys()];

    const done = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.json().csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect(done.setCookies.find((c) => c.startsWith('NSC_AAAC='))).to.match(new RegExp(`^NSC_AAAC=${heldId}; Path=/; HttpOnly$`));
    expect((await browser.get('/vpn/portal.html')).body).to.equal('portal of alice');
    expect(h.gateway.logins).to.have.length(1);
    expect(h.gateway.logouts).to.deep.equal([]);
    expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.include({ flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done', outcome: 'success' });
  });

  it('a held session the gateway has let go (its idle timeout) is replaced by one new login with the sealed password', async () => {
    h = await startHarness(FIRST);
    new AnakamScript().passcodeSent('alice', AUTH_KEY).step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    h.gateway.sessions.clear();
    const done = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(done.json().status).to.equal('done');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice', 'alice']);
    expect((await browser.get('/vpn/portal.html')).body).to.equal('portal of alice');
    expect(h.logs.lines.some((l) => l.event === 'gateway_session_renewed')).to.equal(true);
  });

  describe('a login that does not pass logs its held session out at the gateway', () => {
    const endsWithoutSession = () => {
      expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
      expect(h.gateway.logouts).to.deep.equal(['alice']);
      expect(h.gateway.sessions.size).to.equal(0);
      expect(h.logs.lines.some((l) => l.event === 'gateway_session_ended')).to.equal(true);
    };

    it('wrong passcodes until the login ends', async () => {
      h = await startHarness({ ...FIRST, login: { maxPasscodeAttempts: 2 } });
      new AnakamScript().passcodeSent('alice', AUTH_KEY)
        .step(AUTH_KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '50' }).step(AUTH_KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '50' });
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      const again = (await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf })).json();
      expect(again.status).to.equal('challenge');
      const ended = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
      expect(ended.json().status).to.equal('failed');
      expect(ended.setCookies.some((c) => c.startsWith('NSC_AAAC=') && !c.startsWith('NSC_AAAC=;'))).to.equal(false);
      endsWithoutSession();
    });

    it('cancel', async () => {
      h = await startHarness(FIRST);
      new AnakamScript().passcodeSent('alice', AUTH_KEY);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/cancel', { csrf: started.csrf })).json().status).to.equal('cancelled');
      endsWithoutSession();
    });

    it('a new login started in the same browser (the old one abandoned)', async () => {
      h = await startHarness(FIRST);
      new AnakamScript().passcodeSent('alice', AUTH_KEY);
      const browser = h.browser();
      await startLogin(browser, 'alice', 'alice-pw');
      await startLogin(browser, 'alice', 'wrong');
      expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice', 'alice']);
      expect(h.gateway.logouts).to.deep.equal(['alice']);
      expect(h.gateway.sessions.size).to.equal(0);
    });

    it('a denied push', async () => {
      h = await startHarness({ ...FIRST, ...pushOnly });
      new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json().code).to.equal('push_denied');
      endsWithoutSession();
    });
  });

  describe('push fatigue', () => {
    it('at most limits.pushesPerUser pushes per user and window, across logins; the next login is refused before any push', async () => {
      h = await startHarness({ ...FIRST, ...pushOnly, limits: { pushesPerUser: 2 } });
      const linotp = new LinotpScript().pushStarted(TID).pushStarted(TID);
      for (let i = 0; i < 2; i++) expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().status).to.equal('challenge');
      const third = (await startLogin(h.browser(), 'alice', 'alice-pw')).json();
      expect(third).to.include({ status: 'failed', code: 'rate_limited' });
      expect(linotp.pushes).to.have.length(2);
      expect(h.logs.lines.find((l) => l.event === 'login_failed' && l.code === 'rate_limited')).to.include({ limit: 'pushes-user' });
    });

    it('a denied push counts as a wrong answer toward the user\'s lock', async () => {
      h = await startHarness({ ...FIRST, ...pushOnly, limits: { wrongAnswersPerUser: 1 } });
      new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json().code).to.equal('push_denied');
      const next = (await startLogin(h.browser(), 'alice', 'alice-pw')).json();
      expect(next).to.include({ status: 'failed', code: 'rate_limited' });
    });
  });

  it('gateway.passwordCheck: at_replay keeps the order of posting the password only after the second factor', async () => {
    h = await startHarness({ gateway: { passwordCheck: 'at_replay' } });
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY);
    const started = (await startLogin(h.browser(), 'alice', 'not-her-password')).json();
    expect(started.status).to.equal('challenge'); // the passcode went out before the password was known
    expect(h.gateway.logins).to.deep.equal([]);
    tfa.done();
  });
});
