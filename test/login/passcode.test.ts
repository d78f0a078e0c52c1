import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { elementOf } from '../helpers/anakam_replies.js';
import { TestBrowser } from '../helpers/browser.js';
import { FakeClock } from '../helpers/clock.js';

const AUTH_KEY = '11f16e1c-ed81-4e22-8018-e4cf70027375';

describe('login with a passcode (unregistered device)', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it('serves the gateway login page with the script injected and the form moved to /mfa/login', async () => {
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    expect(page.status).to.equal(200);
    expect(page.body).to.include('<script src="/mfa/static/factorgate.js" defer></script>');
    expect(page.body).to.match(/<form method="post" action="\/mfa\/login" data-factorgate="login"><input type="hidden" name="fg_csrf" value="[^"]+">/);
    expect(page.body).not.to.include('action="/cgi/login"');
    expect(page.headers.get('cache-control')).to.equal('no-store');
    expect(page.headers.get('etag')).to.equal(null);
    const csrfCookie = page.setCookies.find((c) => c.startsWith('fg_csrf='));
    expect(csrfCookie).to.match(/; Path=\/mfa; .*HttpOnly; SameSite=Lax$/);
    const script = await browser.get('/mfa/static/factorgate.js');
    expect(script.status).to.equal(200);
    expect(script.body).to.include("form[data-factorgate=\"login\"]");
  });

  it('asks for the passcode, then replays to the gateway and remembers the device (no script)', async () => {
    const tfa = new AnakamScript()
      .passcodeSent('alice', AUTH_KEY)
      .step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'dev-key-0123456789', deviceExpires: new Date(Date.now() + 3_600_000).toISOString() })
      .step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = await startLogin(browser, 'alice', 'alice-pw', false);
    expect(started.status).to.equal(303);
    expect(started.headers.get('location')).to.equal('/mfa/passcode');
    const handle = started.setCookies.find((c) => c.startsWith('authkey='))!;
    expect(handle).to.match(/^authkey=[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+; Max-Age=600; Path=\/mfa; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    expect(handle).not.to.include(AUTH_KEY);

    const dialog = await browser.get('/mfa/passcode');
    expect(dialog.status).to.equal(200);
    expect(dialog.body).to.include('a***@example.com');
    expect(dialog.body).to.include('The passcode is valid for 5 minutes.').and.match(/Finish this sign-in within (9|10) minutes\./);
    expect(dialog.body, '/manageotp is not served without otp.enabled: no link to it').to.not.include('/manageotp');
    expect(dialog.body).to.match(/<input type="hidden" name="via" value="SMS">\s*<button type="submit" class="fg-link">Send it by text message instead<\/button>/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(dialog.body)![1]!;

    const answered = await browser.post('/mfa/passcode', { passcode: '123456', remember: 'on', csrf });
    expect(answered.status).to.equal(303);
    expect(answered.headers.get('location')).to.equal('/vpn/portal.html');
    expect(answered.setCookies.some((c) => /^NSC_AAAC=[^;]+; Path=\/; HttpOnly$/.test(c))).to.equal(true);
    expect(answered.setCookies.some((c) => c.startsWith('NSC_TMAS=1'))).to.equal(true);
    const device = answered.setCookies.find((c) => c.startsWith('DeviceKey='))!;
    expect(device).to.match(/; Path=\/mfa; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
    const expires = Date.parse(/Expires=([^;]+)/.exec(device)![1]!);
    expect(expires).to.be.closeTo(Date.now() + 3_600_000, 5_000);
    expect(device).not.to.include('dev-key-0123456789');
    expect(answered.setCookies.some((c) => /^authkey=;/.test(c))).to.equal(true);

    const portal = await browser.get('/vpn/portal.html');
    expect(portal.body).to.equal('portal of alice');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    expect(h.gateway.logins[0]!.headers['x-forwarded-for']).to.equal('127.0.0.1');

    const verify = tfa.bodies.find((b) => b.includes('VERIFY_PASSCODE'))!;
    expect(elementOf(verify, 'passcode')).to.equal('123456');
    expect(elementOf(verify, 'registerDevice')).to.equal('true');
    expect(elementOf(verify, 'registrationHours')).to.equal('8');
    expect(elementOf(verify, 'clientIp')).to.equal('127.0.0.1');
    tfa.done();
  });

  it('runs the same flow as JSON for the injected script, and never shows the password or the auth key', async () => {
    const tfa = new AnakamScript()
      .passcodeSent('alice', AUTH_KEY)
      .step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED')
      .step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = await startLogin(browser, 'alice', 'alice-pw');
    expect(started.status).to.equal(200);
    const challenge = started.json();
    expect(challenge).to.deep.include({ status: 'challenge' });
    expect(challenge.challenge).to.deep.equal({
      kind: 'passcode', destination: 'a***@example.com', canRememberDevice: true, rememberHours: 8, validSeconds: 300, method: 'EMAIL', otherMethods: ['SMS'],
      words: {
        title: 'Enter your passcode', label: 'Passcode', intro: 'We sent a passcode to a***@example.com.', resend: 'Send a new passcode', remember: 'Remember this browser for 8 hours',
        validity: 'The passcode is valid for 5 minutes.', otherWays: [{ via: 'SMS', label: 'Send it by text message instead' }],
      },
    });
    // The passcode's clock (5 minutes) and the sign-in's (10 minutes) are separate: the dialog is told the sign-in's.
    expect(challenge.loginSecondsLeft).to.be.within(598, 600);
    const done = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: challenge.csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect(done.setCookies.some((c) => c.startsWith('DeviceKey='))).to.equal(false);
    for (const reply of [started, done]) {
      const everything = reply.body + JSON.stringify([...reply.headers]);
      expect(everything).not.to.include('alice-pw');
      expect(everything).not.to.include(AUTH_KEY);
    }
    expect(h.logs.text()).not.to.include('alice-pw');
    expect(h.logs.text()).not.to.include('123456');
    expect(h.logs.text()).not.to.include(AUTH_KEY);
    const audit = h.logs.lines.find((l) => l.event === 'login_finished');
    expect(audit).to.deep.include({ user: 'alice', outcome: 'success', path: 'passcode', provider: 'anakam' });
    tfa.done();
  });

  it('refuses a login post without the form token of the login page', async () => {
    const browser = h.browser();
    await browser.get('/vpn/index.html');
    const reply = await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: 'forged.token' });
    expect(reply.status).to.equal(403);
    expect(reply.json()).to.deep.include({ status: 'failed', code: 'csrf' });
    expect(h.gateway.logins).to.have.length(0);
  });

  it('refuses a passcode post without the per-login token and ends nothing else', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY);
    const browser = h.browser();
    const started = await startLogin(browser, 'alice', 'alice-pw');
    const reply = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: 'wrong' });
    expect(reply.status).to.equal(403);
    expect(reply.json().code).to.equal('csrf');
    const page = await browser.get('/mfa/passcode');
    expect(page.status).to.equal(200);
    expect(page.body).to.include(started.json().csrf);
    tfa.done();
  });

  it('sends a new passcode on request and says so', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY).step(AUTH_KEY, 'GET_PARAMS', 'PASSCODE_SENT', { destination: 'a***@example.com' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const resent = await browser.postJson('/mfa/resend', { csrf: started.csrf });
    expect(resent.json().notice).to.deep.equal({ code: 'passcode_resent', message: 'A new passcode is on its way.' });
    tfa.done();
  });

  it('cancel wipes the login: its handle is dead afterwards', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const handle = await browser.cookie('authkey');
    const cancelled = await browser.post('/mfa/cancel', { csrf: started.csrf });
    expect(cancelled.status).to.equal(303);
    await browser.jar.setCookie(`authkey=${handle}; Path=/mfa`, h.fg.url + '/mfa/');
    const after = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(after.json().code).to.equal('no_login');
    tfa.done();
  });

  it('does not show the login page token to a page without the cookie (the field and cookie must match)', async () => {
    const one = h.browser();
    const other = new TestBrowser(h.fg.url);
    const page = await one.get('/vpn/index.html');
    await other.get('/vpn/index.html');
    const reply = await other.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(page.body) });
    expect(reply.json().code).to.equal('csrf');
  });
});

describe('the passcode\'s clock and the sign-in\'s, without the script', () => {
  let h: Harness;
  const clock = new FakeClock();
  beforeEach(async () => { h = await startHarness({}, { clock }); });
  afterEach(async () => { await h.close(); });

  it('the code page says how long the passcode is valid, and warns in the sign-in\'s last minute', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY);
    const browser = h.browser();
    await startLogin(browser, 'alice', 'alice-pw', false);
    const fresh = (await browser.get('/mfa/passcode')).body;
    expect(fresh).to.include('The passcode is valid for 5 minutes.').and.include('Finish this sign-in within 10 minutes.');
    clock.advance(9 * 60_000 + 30_000);
    const late = (await browser.get('/mfa/passcode')).body;
    expect(late).to.include('This sign-in ends in less than a minute: finish it now, or start again from the login page.');
    tfa.done();
  });
});
