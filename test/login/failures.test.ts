import { expect } from 'chai';
import nock from 'nock';
import { closedPortUrl, startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript, ON_FILE } from '../helpers/anakam_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { challengeReply } from '../helpers/anakam_replies.js';

const KEY = 'cccccccc-3333-4e22-8018-e4cf70027375';
const AUTH_PATH = '/tfa/api/5.5/default/auth';

/** Every failure ends the login: a clear message for the user, one log line, no gateway login. */
function expectFailedLogin(h: Harness, reply: { status: number; json(): any }, code: string, status: number): void {
  expect(reply.status).to.equal(status);
  const body = reply.json();
  expect(body).to.deep.include({ status: 'failed', code, restart: '/vpn/index.html' });
  expect(body.message).to.be.a('string').and.have.length.greaterThan(20);
  expect(h.gateway.logins).to.have.length(0);
  const failures = h.logs.lines.filter((l) => l.event === 'login_failed');
  expect(failures).to.have.length(1);
  expect(failures[0]).to.include({ code });
}

describe('login failures fail closed', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it('wrong passcode: says how many attempts are left, then lets the right one in', async () => {
    const tfa = new AnakamScript()
      .passcodeSent('alice', KEY)
      .step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '2' })
      .step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED')
      .step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const wrong = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    // The server's count is the nearest, and its lock locks the user here too: for the configured window.
    expect(wrong.json().notice).to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: 2, after: { then: 'lock', lockSeconds: 900 }, message: 'That passcode was not right. 2 attempts left before a 15-minute lock.' });
    const right = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(right.json().status).to.equal('done');
    tfa.done();
  });

  it('wrong passcodes up to our own per-login limit end the login', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    for (let i = 0; i < 5; i++) tfa.step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '50' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    let last;
    for (let i = 0; i < 5; i++) last = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    expectFailedLogin(h, last!, 'attempts_exhausted', 403);
    const after = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(after.json().code).to.equal('no_login');
    tfa.done();
  });

  it('LOCKED from the server ends the login saying for how long the account is locked, and the next login says it is locked', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'LOCKED');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const locked = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    expectFailedLogin(h, locked, 'rate_limited', 429);
    expect(locked.json().message).to.equal('Too many wrong attempts: this account is locked for 15 minutes. Try again after that, or ask your help desk to unlock it.');
    tfa.done();
    // No callout is scripted: a start that reached the two-factor server would fail otherwise.
    const again = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(again.status).to.equal(429);
    expect(again.json().message).to.equal(locked.json().message);
  });

  it('a wrong passcode when one attempt is left before the user\'s lock says so, and the next wrong one locks for 15 minutes', async () => {
    await h.close();
    h = await startHarness({ limits: { wrongAnswersPerUser: 2 } });
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    for (let i = 0; i < 2; i++) tfa.step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '50' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const first = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    expect(first.json().notice.message).to.equal('That passcode was not right. 1 attempt left before a 15-minute lock.');
    const second = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    expectFailedLogin(h, second, 'rate_limited', 429);
    expect(second.json().message).to.include('locked for 15 minutes');
    tfa.done();
  });

  it('a login started while the two-factor server has the user locked says it is locked, not that the passcode could not be sent', async () => {
    const tfa = new AnakamScript().auth('alice', KEY).step(KEY, 'SELECT_METHOD', 'METHOD_SELECTED').step(KEY, 'GET_PARAMS', 'LOCKED');
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expectFailedLogin(h, reply, 'locked', 403);
    expect(reply.json().message).to.include('locked');
    tfa.done();
  });

  it('the passcode by the other way: sent by SMS instead of e-mail when asked, and the old one stands where there is no phone', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY)
      .step(KEY, 'SELECT_METHOD', 'METHOD_SELECTED').step(KEY, 'GET_PARAMS', 'PASSCODE_SENT', { destination: '***-***-1234', ...ON_FILE })
      .step(KEY, 'SELECT_METHOD', 'METHOD_UNAVAILABLE').step(KEY, 'SELECT_METHOD', 'METHOD_SELECTED');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.challenge.words.otherWays).to.deep.equal([{ via: 'SMS', label: 'Send it by text message instead' }]);
    const bySms = (await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'SMS' })).json();
    expect(bySms.challenge).to.deep.include({ destination: '***-***-1234', method: 'SMS', otherMethods: ['EMAIL'] });
    expect(bySms.notice.code).to.equal('passcode_resent');
    // The address went between the two replies: the SMS passcode stands, the server set back to SMS.
    const noMail = (await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'EMAIL' })).json();
    expect(noMail).to.deep.include({ status: 'challenge' });
    expect(noMail.challenge.destination).to.equal('***-***-1234');
    expect(noMail.notice.message).to.equal('There is nowhere on file to send a passcode that way, so the one sent before still stands. Your help desk can add one.');
    const methods = tfa.bodies.filter((b) => b.includes('SELECT_METHOD')).map((b) => /<method>([A-Z]+)<\/method>/.exec(b)?.[1]);
    expect(methods).to.deep.equal(['EMAIL', 'SMS', 'EMAIL', 'SMS']);
    // Only a way the step offers is taken.
    expect((await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'PIGEON' })).json().code).to.equal('invalid_input');
    tfa.done();
  });

  it('only the ways the server reports are offered: with no phone on file, no text message is offered, and a forged one sends nothing and says why', async () => {
    // GET_PARAMS names an e-mail address and no phone: nothing else is called after it.
    const tfa = new AnakamScript().passcodeSent('alice', KEY, { email: 'a***@example.com' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.challenge).to.deep.include({ method: 'EMAIL', otherMethods: [] });
    expect(started.challenge.words.otherWays).to.equal(undefined);
    const forged = await browser.postJson('/mfa/resend', { csrf: started.csrf, via: 'SMS' });
    expect(forged.json()).to.deep.include({ status: 'challenge' });
    expect(forged.json().notice).to.deep.include({ code: 'no_phone_on_file' });
    expect(forged.json().notice.message).to.include('no phone number on file').and.include('sent before still stands');
    expect(h.logs.lines.find((l) => l.event === 'via_not_offered')).to.include({ user: 'alice', via: 'SMS' });
    // Nothing was sent and no resend was used: the login goes on with the passcode sent first.
    tfa.done();
    expect(tfa.bodies.filter((b) => b.includes('GET_PARAMS'))).to.have.length(1);
    tfa.step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const done = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(done.json()).to.include({ status: 'done' });
    tfa.done();
  });

  it('without the script: the passcode page says what the last attempt leads to, and the lock is a styled page saying how long', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY)
      .step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '1' })
      .step(KEY, 'VERIFY_PASSCODE', 'LOCKED');
    const browser = h.browser();
    await startLogin(browser, 'alice', 'alice-pw', false);
    const csrf = /name="csrf" value="([^"]+)"/.exec((await browser.get('/mfa/passcode')).body)![1]!;
    const wrong = await browser.post('/mfa/passcode', { passcode: '000000', csrf });
    expect(wrong.headers.get('location')).to.equal('/mfa/passcode?notice=passcode_invalid&left=1&then=lock');
    expect((await browser.get(wrong.headers.get('location')!)).body).to.include('That passcode was not right. 1 attempt left before a 15-minute lock.');
    // The lock's length is the configuration's: the query names only what follows.
    expect((await browser.get('/mfa/passcode?notice=passcode_invalid&left=3&then=end')).body).to.include('3 attempts left for this sign-in.');
    const locked = await browser.post('/mfa/passcode', { passcode: '000000', csrf });
    expect(locked.status).to.equal(429);
    expect(locked.body).to.include('<title>Account locked').and.include('this account is locked for 15 minutes');
    tfa.done();
  });

  it('an expired passcode keeps the login and offers a new passcode', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_EXPIRED');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const reply = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(reply.json().status).to.equal('challenge');
    expect(reply.json().notice.code).to.equal('passcode_expired');
    tfa.done();
  });

  it('an auth key the server no longer knows (410) ends the login', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    tfa.scope.put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(410, '');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expectFailedLogin(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf }), 'no_login', 400);
    tfa.done();
  });

  it('two-factor server down (connection refused)', async () => {
    await h.close();
    h = await startHarness({ anakam: { baseUrl: await closedPortUrl() } });
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_unavailable', 503);
    expect(h.logs.lines.find((l) => l.event === 'login_failed')).to.include({ cause: 'ECONNREFUSED', command: 'auth' });
  });

  it('two-factor server too slow: the per-call timeout ends the login', async () => {
    nock(ANAKAM_URL).post(AUTH_PATH).query(true).delay(5000).reply(200, ''); // past the harness's 2 s
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_unavailable', 503);
    expect(h.logs.lines.find((l) => l.event === 'login_failed')!.detail).to.equal('callout timed out');
  });

  it('two-factor server refuses our API credentials (401)', async () => {
    nock(ANAKAM_URL).post(AUTH_PATH).query(true).reply(401, '');
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_misconfigured', 502);
  });

  it('two-factor server error (500)', async () => {
    nock(ANAKAM_URL).post(AUTH_PATH).query(true).reply(500, '<html>oops</html>');
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_unavailable', 503);
  });

  it('a reply that is not XML', async () => {
    nock(ANAKAM_URL).post(AUTH_PATH).query(true).reply(200, '<html><body>maintenance</body></html>');
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_protocol', 502);
  });

  it('an unknown status word is never taken for success', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    tfa.scope.put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, challengeReply('AUTHENTICATED_MAYBE'));
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expectFailedLogin(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf }), 'tfa_protocol', 502);
  });

  it('a reply carrying a DTD (XXE attempt) is refused', async () => {
    const xxe = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><authResponse><authKey>&e;</authKey><status>TOKEN_CREATED</status></authResponse>';
    nock(ANAKAM_URL).post(AUTH_PATH).query(true).reply(200, xxe);
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'tfa_protocol', 502);
  });

  it('no e-mail or phone for the user: METHOD_UNAVAILABLE for both methods', async () => {
    const tfa = new AnakamScript().auth('alice', KEY).step(KEY, 'SELECT_METHOD', 'METHOD_UNAVAILABLE').step(KEY, 'SELECT_METHOD', 'METHOD_UNAVAILABLE');
    expectFailedLogin(h, await startLogin(h.browser(), 'alice', 'alice-pw'), 'method_unavailable', 403);
    expect(tfa.bodies.map((b) => /<method>([A-Z]+)<\/method>/.exec(b)?.[1])).to.deep.equal(['EMAIL', 'SMS']);
    tfa.done();
  });

  it('a user with only a phone, where e-mail is configured, gets the passcode by SMS', async () => {
    const tfa = new AnakamScript().auth('alice', KEY).step(KEY, 'SELECT_METHOD', 'METHOD_UNAVAILABLE').step(KEY, 'SELECT_METHOD', 'METHOD_SELECTED')
      .step(KEY, 'GET_PARAMS', 'PASSCODE_SENT', { destination: '+1 *** *** 9876' });
    const started = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(started.json()).to.deep.include({ status: 'challenge' });
    expect(tfa.bodies.map((b) => /<method>([A-Z]+)<\/method>/.exec(b)?.[1])).to.deep.equal(['EMAIL', 'SMS', undefined]);
    expect(h.logs.lines.find((l) => l.event === 'anakam_other_method')).to.include({ user: 'alice', method: 'SMS', configured: 'EMAIL' });
    tfa.done();
  });

  it('COMPLETE answered NOT_AUTHENTICATED: nobody gets in', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'NOT_AUTHENTICATED');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expectFailedLogin(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf }), 'second_factor_refused', 403);
    tfa.done();
  });

  it('gateway refuses the password after the second factor: back to the login page with a message', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'wrong-password')).json();
    const reply = await browser.post('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(reply.status).to.equal(401);
    expect(reply.body).to.include('The user name or password was not accepted');
    expect(reply.body).to.include('href="/vpn/index.html"');
    expect(reply.setCookies.some((c) => c.startsWith('NSC_AAAC'))).to.equal(false);
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    tfa.done();
  });

  it('gateway down at replay time', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    await h.gateway.close();
    const reply = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(reply.status).to.equal(502);
    expect(reply.json().code).to.equal('gateway_unavailable');
    tfa.done();
  });

  it('the page without the script gets a readable failure page', async () => {
    await h.close();
    h = await startHarness({ anakam: { baseUrl: await closedPortUrl() } });
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw', false);
    expect(reply.status).to.equal(503);
    expect(reply.headers.get('content-type')).to.match(/text\/html/);
    expect(reply.body).to.include('The two-factor service is not answering right now');
    expect(reply.body).to.include('Back to the login page');
  });

  it('no log line carries the password, the passcode, the API password or the auth key', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '1' }).step(KEY, 'VERIFY_PASSCODE', 'LOCKED');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    await browser.postJson('/mfa/passcode', { passcode: '987654', csrf: started.csrf });
    await browser.postJson('/mfa/passcode', { passcode: '876543', csrf: started.csrf });
    const text = h.logs.text();
    for (const secret of ['alice-pw', '987654', '876543', KEY, 'api-pw-not-for-logs', started.csrf]) expect(text).not.to.include(secret);
    tfa.done();
  });
});
