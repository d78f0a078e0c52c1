import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';
import { FakeClock } from '../helpers/clock.js';
import { closedPortUrl } from '../helpers/harness.js';
import type { TestBrowser } from '../helpers/browser.js';

const TID = '353846450659';
const push = (extra: Record<string, unknown> = {}) => ({ linotp: { urls: [LINOTP_URL], pollIntervalMs: 200, ...extra }, providers: { default: 'push_with_code' } });

/** Reads the push event stream as the page's EventSource would, until a verdict other than open. */
async function verdictFromEvents(h: Harness, browser: TestBrowser): Promise<string> {
  const cookie = await browser.jar.getCookieString(`${h.fg.url}/mfa/`);
  const res = await fetch(`${h.fg.url}/mfa/push/events`, { headers: { Cookie: cookie } });
  expect(res.headers.get('content-type')).to.equal('text/event-stream');
  const reader = res.body!.getReader();
  let text = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const verdicts = [...text.matchAll(/data: \{"verdict":"(\w+)"\}/g)].map((m) => m[1]);
    const final = verdicts.find((v) => v !== 'open');
    if (final) {
      await reader.cancel();
      return final;
    }
  }
  throw new Error(`stream ended without a verdict: ${text}`);
}

describe('login with push approval (LinOTP-style provider)', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('shows the number to pick, tells the page the moment it is approved, and lets the user in', async () => {
    h = await startHarness(push());
    const linotp = new LinotpScript().pushStarted(TID).status(TID, 'open', 2).status(TID, 'approved', 5);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.challenge).to.include({ kind: 'push', canEnterCode: true });
    expect(started.challenge.number).to.be.within(10, 99);
    // One clock: the page waits exactly as long as the push server keeps the push (120 s by default).
    expect(started.challenge.secondsLeft).to.be.within(119, 120);
    const sent = linotp.pushes[0]!;
    expect(sent.get('user')).to.equal('alice');
    expect(sent.get('pass')).to.equal('alice-pw'); // otppin 1: the user's password
    expect(sent.get('number')).to.equal(String(started.challenge.number));
    expect(sent.get('data')).to.match(/^Sign in to 127\.0\.0\.1:\d+ as alice from 127\.0\.0\.1 at \d{4}-\d\d-\d\d \d\d:\d\d UTC$/);

    expect(await verdictFromEvents(h, browser)).to.equal('approved');
    const done = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    expect(h.logs.lines.some((l) => l.event === 'push_approved')).to.equal(true);
    expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.include({ path: 'push', outcome: 'success', provider: 'push_with_code' });
  });

  it('a denied push ends the login with a clear message and no session', async () => {
    h = await startHarness(push());
    new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(await verdictFromEvents(h, browser)).to.equal('denied');
    const reply = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
    expect(reply.status).to.equal(403);
    expect(reply.json()).to.include({ code: 'push_denied' });
    expect(reply.json().message).to.include('denied on your device');
    expect(h.gateway.logins).to.have.length(0);
    expect(h.logs.lines.some((l) => l.event === 'push_denied')).to.equal(true);
  });

  it('confirming before the push is approved changes nothing: the page keeps waiting', async () => {
    h = await startHarness(push());
    new LinotpScript().pushStarted(TID).status(TID, 'open', 5);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const reply = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
    expect(reply.json().status).to.equal('challenge');
    expect(h.gateway.logins).to.have.length(0);
  });

  it('no answer in time: resend voids the old push, and the new one can be approved', async () => {
    const clock = new FakeClock();
    h = await startHarness(push(), { clock });
    const linotp = new LinotpScript().pushStarted(TID).status(TID, 'open', 3).pushStarted('999999999999').status('999999999999', 'approved', 3);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    clock.advance(121_000);
    const expired = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
    expect(expired.json().notice).to.deep.include({ code: 'push_expired' });
    expect(h.logs.lines.some((l) => l.event === 'push_timeout')).to.equal(true);
    const resent = (await browser.postJson('/mfa/resend', { csrf: started.csrf })).json();
    expect(resent.notice.code).to.equal('push_resent');
    expect(resent.challenge.number).to.be.within(10, 99);
    expect(linotp.pushes).to.have.length(2);
    const done = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
    expect(done.json().status).to.equal('done');
  });

  it('no answer in time, then a code typed by hand: a wrong one is refused, the right one lets the user in', async () => {
    h = await startHarness(push());
    new LinotpScript().pushStarted(TID).code(TID, false).code(TID, true);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const wrong = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    expect(wrong.json().notice.code).to.equal('passcode_invalid');
    const right = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(right.json().status).to.equal('done');
    expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.include({ path: 'code' });
  });

  it('push without the code fallback refuses a typed code', async () => {
    h = await startHarness({ ...push(), providers: { default: 'push' } });
    new LinotpScript().pushStarted(TID);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.challenge.canEnterCode).to.equal(false);
    const reply = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(reply.json().code).to.equal('wrong_state');
    expect(h.gateway.logins).to.have.length(0);
  });

  it('a push the server refuses (no device, or a wrong password with otppin 1) gets one clear message and a log line', async () => {
    h = await startHarness(push());
    new LinotpScript().pushRefused();
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json()).to.include({ code: 'push_refused' });
    expect(reply.json().message).to.include('user name and password').and.include('help desk');
    expect(h.logs.lines.some((l) => l.event === 'push_no_device')).to.equal(true);
  });

  it('fails over to the second server when the first cannot be reached', async () => {
    h = await startHarness(push({ urls: [await closedPortUrl(), LINOTP_URL] }));
    new LinotpScript().pushStarted(TID);
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json().status).to.equal('challenge');
  });

  it('push server down: fails closed with the two-factor service message', async () => {
    h = await startHarness(push({ urls: [await closedPortUrl()] }));
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.status).to.equal(503);
    expect(reply.json().code).to.equal('tfa_unavailable');
  });

  it('policies choose the provider: administrators push, everyone else a passcode', async () => {
    h = await startHarness({ ...push(), providers: { default: 'anakam', policies: [{ users: ['admin-*'], use: 'push' }] } });
    new LinotpScript().pushStarted(TID);
    nock('http://tfa.test').post(/auth/).query(true).reply(503, '');
    expect((await startLogin(h.browser(), 'admin-alice', 'pw')).json().challenge.kind).to.equal('push');
    expect((await startLogin(h.browser(), 'bob', 'pw')).json().code).to.equal('tfa_unavailable'); // went to Anakam
  });

  it('the events stream is refused to a browser without a waiting push', async () => {
    h = await startHarness(push());
    const res = await fetch(`${h.fg.url}/mfa/push/events`, { headers: { Accept: 'application/json' } });
    expect(res.status).to.equal(400);
  });
});

describe('login with push approval: the token PIN (LinOTP otppin 0)', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('the login page asks for the token PIN, and it goes to LinOTP as pass instead of the password', async () => {
    h = await startHarness(push({ otppin: 0 }));
    const linotp = new LinotpScript().pushStarted(TID).status(TID, 'approved', 3);
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    expect(page.body).to.match(/<input type="password" name="passwd"><label class="fg-pin">Token PIN[^<]*<input type="password" name="fg_pin"/);
    const started = await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_pin: 'pin-Qz7Wx', fg_csrf: page.body.match(/name="fg_csrf" value="([^"]+)"/)![1]! });
    expect(started.json().status).to.equal('challenge');
    expect(linotp.pushes[0]!.get('pass')).to.equal('pin-Qz7Wx');
    const done = await browser.postJson('/mfa/push/confirm', { csrf: started.json().csrf });
    expect(done.json().status).to.equal('done');
    expect(h.logs.text()).not.to.include('pin-Qz7Wx');
  });

  it('without the PIN the login is refused before any push is sent', async () => {
    h = await startHarness(push({ otppin: 0 }));
    const linotp = new LinotpScript().pushStarted(TID);
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.status).to.equal(400);
    expect(linotp.pushes).to.have.length(0);
  });
});
