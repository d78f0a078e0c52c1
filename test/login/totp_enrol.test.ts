import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, TOTP } from 'otpauth';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { TestBrowser } from '../helpers/browser.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { STUB_USERS } from '../helpers/gateway_stub.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';
import { parse as parseYaml } from 'yaml';

const TID = '353846450659';

// Issue #9, point 4: "a user without any device is ... sent to register one right after the
// password, as configuration says" (otp.withoutDevice: enrol). The password is verified before
// any secret is shown; the new device's first code is the login's second factor.

/** What an authenticator app does with the otpauth:// link. */
const appFor = (uri: string) => new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });

describe('login: a first authenticator app registered right after the password (otp.withoutDevice: enrol)', function () {
  this.timeout(20_000);
  let h: Harness;
  let dir: string;
  let path: string;
  let clock: FakeClock;

  const start = (extra: Record<string, unknown> = {}) => startHarness({ otp: { sqlite: { path }, withoutDevice: 'enrol' }, ...extra }, { clock, anakam: false });
  const devicesOf = async (user: string) => {
    const store = await SqliteDeviceStore.open({ path, clock });
    try {
      return await store.list(user);
    } finally {
      await store.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fg-enrol-'));
    path = join(dir, 'devices.sqlite');
    clock = new FakeClock();
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('checks the password, shows the new device, takes its first code as the second factor; the next login just asks for a code', async () => {
    h = await start();
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.challenge.kind).to.equal('enrol');
    expect(started.challenge.otpauthUri).to.match(/^otpauth:\/\/totp\/factorgate:alice\?/);
    expect(started.challenge.key.replace(/ /g, '')).to.equal(new URL(started.challenge.otpauthUri).searchParams.get('secret'));
    // The password was checked at the gateway before the secret was shown.
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    expect((await devicesOf('alice')).map((d) => [d.name, d.active])).to.deep.equal([['Added at sign-in', false]]);

    const qr = await browser.get('/mfa/enrol/qr.svg');
    expect(qr.status).to.equal(200);
    expect(qr.headers.get('content-type')).to.match(/^image\/svg\+xml/);
    expect(qr.headers.get('cache-control')).to.equal('no-store');
    expect(qr.body).to.match(/^<svg /);

    const done = await browser.postJson('/mfa/passcode', { passcode: appFor(started.challenge.otpauthUri).generate({ timestamp: clock.now() }), csrf: started.csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect((await devicesOf('alice')).map((d) => d.active)).to.deep.equal([true]);
    expect(h.logs.lines.some((l) => l.event === 'otp_enrol_at_login' && l.user === 'alice')).to.equal(true);
    expect(h.logs.lines.some((l) => l.event === 'otp_device_activated')).to.equal(true);

    const again = (await startLogin(h.browser(), 'alice', 'alice-pw')).json();
    expect(again.challenge).to.deep.equal({
      kind: 'passcode', prompt: 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.', canRememberDevice: false, fromApp: true,
      words: { title: 'Enter the code from your authenticator app', label: '6-digit code', intro: 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.' },
    });
  });

  it('a wrong password shows no secret, adds no device, and counts as a wrong answer', async () => {
    h = await start({ limits: { wrongAnswersPerUser: 2 } });
    const refused = await startLogin(h.browser(), 'alice', 'not-alices');
    expect(refused.status).to.equal(401);
    expect(refused.json().code).to.equal('gateway_refused');
    expect(refused.body).not.to.contain('otpauth');
    expect(await devicesOf('alice')).to.deep.equal([]);
    await startLogin(h.browser(), 'alice', 'still-not');
    expect((await startLogin(h.browser(), 'alice', 'alice-pw')).status).to.equal(429);
  });

  it('a wrong first code asks again; the QR code is for the browser that began the login only', async () => {
    h = await start();
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const right = appFor(started.challenge.otpauthUri).generate({ timestamp: clock.now() });
    const wrong = (await browser.postJson('/mfa/passcode', { passcode: right === '000000' ? '111111' : '000000', csrf: started.csrf })).json();
    expect(wrong.notice).to.include({ code: 'code_invalid' });
    expect(wrong.challenge.otpauthUri).to.equal(started.challenge.otpauthUri);

    const thief = new TestBrowser(h.fg.url);
    await thief.jar.setCookie(`authkey=${(await browser.cookie('authkey', '/mfa/enrol/qr.svg'))!}; Path=/mfa`, h.fg.url);
    const stolen = await thief.request('GET', '/mfa/enrol/qr.svg', undefined, { 'User-Agent': 'another browser' });
    expect(stolen.status).to.equal(400);
    expect(stolen.body).not.to.match(/^<svg/);
    // The same copied cookie with the first browser's User-Agent gets it: the binding is what refused it above.
    expect((await thief.get('/mfa/enrol/qr.svg')).status).to.equal(200);

    expect((await browser.postJson('/mfa/passcode', { passcode: right, csrf: started.csrf })).json().status).to.equal('done');
  });

  it('without JavaScript: a page with the QR code, the link and the key, then the portal', async () => {
    h = await start();
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    const posted = await browser.post('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(page.body) });
    const shown = await browser.get(posted.headers.get('location')!);
    expect(shown.body).to.contain('Set up your authenticator app').and.contain('<img class="fg-qr" src="/mfa/enrol/qr.svg"');
    const uri = /href="(otpauth:[^"]+)"/.exec(shown.body)![1]!.replace(/&amp;/g, '&');
    const csrf = /name="csrf" value="([^"]+)"/.exec(shown.body)![1]!;
    const done = await browser.post('/mfa/passcode', { passcode: appFor(uri).generate({ timestamp: clock.now() }), csrf });
    expect(done.headers.get('location')).to.equal('/vpn/portal.html');
  });

  it('refuse (the default) enrols nothing: the code page points to /manageotp, and adds no device', async () => {
    h = await startHarness({ otp: { sqlite: { path } } }, { clock, anakam: false });
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json().challenge.kind).to.equal('passcode');
    expect(reply.json().challenge.prompt).to.contain('/manageotp');
    expect(await devicesOf('alice')).to.deep.equal([]);
  });

  it('in a flow whose fallback form asks only for the code, a user with no app is shown the QR code, the gateway having checked the password first', async () => {
    const flows = (parseYaml(readFileSync(new URL('../../fixtures/flows/push-otp-fallback.yaml', import.meta.url), 'utf8')) as { flows: unknown }).flows;
    h = await startHarness({ flows, linotp: { urls: [LINOTP_URL], pollIntervalMs: 200 }, otp: { sqlite: { path }, withoutDevice: 'enrol' } }, { clock });
    new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    // GATEWAY_PASSWORD checked alice's password before the push, so her having no app may be told:
    // the form that asks only for a code she cannot have is skipped for the QR code.
    const denied = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
    expect(denied.status).to.equal('challenge');
    expect(denied.challenge.kind).to.equal('enrol');
    const done = await browser.postJson('/mfa/passcode', { passcode: appFor(denied.challenge.otpauthUri).generate({ timestamp: clock.now() }), csrf: denied.csrf });
    expect(done.json().status).to.equal('done');
    expect(h.logs.lines.filter((l) => l.event === 'login_finished').at(-1)).to.deep.include({ flow: 'password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE → done' });

    // Once alice has an app, the same flow asks for its code in the form.
    new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
    const again = h.browser();
    const second = (await startLogin(again, 'alice', 'alice-pw')).json();
    expect((await again.postJson('/mfa/push/confirm', { csrf: second.csrf })).json().status).to.equal('ask');
  });

  describe('with LDAP', () => {
    let slapd: Slapd;
    const stubbed = { ...STUB_USERS };
    before(async () => {
      slapd = await startSlapd();
      STUB_USERS.carol = directory.users.carol.password;
    });
    after(async () => {
      await slapd.stop();
      for (const user of Object.keys(STUB_USERS)) delete STUB_USERS[user];
      Object.assign(STUB_USERS, stubbed);
    });

    it('the bind already proved the password: no extra check at the gateway before the enrolment', async () => {
      h = await start({ ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' } });
      const browser = h.browser();
      const started = (await startLogin(browser, 'carol', directory.users.carol.password)).json();
      expect(started.challenge.kind).to.equal('enrol');
      expect(h.gateway.logins).to.have.length(0);
      const done = await browser.postJson('/mfa/passcode', { passcode: appFor(started.challenge.otpauthUri).generate({ timestamp: clock.now() }), csrf: started.csrf });
      expect(done.json().status).to.equal('done');
      expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['carol']);
    });
  });
});
