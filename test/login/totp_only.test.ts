import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { Totp } from '../../src/otp/totp.js';
import { addDevice, csrfOf, follow } from '../manage/helpers/portal_app.js';

// Issue #9, point 4: a site with no two-factor server at all. The configuration has no tfa.*
// key, no providers.default and no otp.enabled: only the device file's path (a temp dir here).
describe('login on factorgate\'s own TOTP codes alone, with no anakam section', () => {
  let h: Harness;
  let dir: string;
  let clock: FakeClock;
  const totp = new Totp();
  let secret: string;

  beforeEach(async () => {
    clock = new FakeClock();
    // alice registered one device (as /manageotp would have done it)
    let path: string;
    ({ dir, path, secret } = await registeredDevice(clock));
    h = await startHarness({ otp: { sqlite: { path } } }, { clock, anakam: false });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts without a two-factor server: totp by default, no tfa health check, none named at start-up', async () => {
    expect(h.config.anakam.configured).to.equal(false);
    expect(h.config.providers.default).to.equal('totp');
    const health = await h.browser().get('/healthz?verbose');
    expect(health.json()).to.deep.equal({ status: 'ok', dependencies: { gateway: 'ok', store: 'ok' } });
    const listening = h.logs.lines.find((l) => l.event === 'listening');
    expect(listening).to.include({ gateway: h.gateway.url });
    expect(listening).not.to.have.property('anakam');
  });

  it('lets a user with a registered device in with the code derived from its secret, and refuses a wrong one', async () => {
    const browser = h.browser();
    const started = await startLogin(browser, 'alice', 'alice-pw');
    expect(started.status).to.equal(200);
    expect(started.json().challenge).to.deep.equal({
      kind: 'passcode', prompt: 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.', canRememberDevice: false, fromApp: true,
      words: { title: 'Enter the code from your authenticator app', label: '6-digit code', intro: 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.' },
    });
    const code = totp.codeAt(secret, clock.now());
    const wrong = await browser.postJson('/mfa/passcode', { passcode: code === '000000' ? '111111' : '000000', csrf: started.json().csrf });
    expect(wrong.json().notice.code).to.equal('code_invalid');
    expect(h.gateway.logins, 'nothing replayed on a wrong code').to.deep.equal([]);
    const done = await browser.postJson('/mfa/passcode', { passcode: code, csrf: started.json().csrf });
    expect(done.json().status).to.equal('done');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    expect(h.logs.lines.some((l) => l.event === 'login_finished' && l.user === 'alice' && l.provider === 'totp')).to.equal(true);
  });

  it('asks a user without a device for a code like everyone, pointing to /manageotp, and lets no code of theirs in', async () => {
    const browser = h.browser();
    const started = await startLogin(browser, 'bob', 'bob-pw');
    expect(started.json().challenge.prompt).to.include('/manageotp');
    const answer = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.json().csrf });
    expect(answer.json().notice.code).to.equal('code_invalid');
    expect(h.gateway.logins).to.deep.equal([]);
  });

  it('serves /manageotp, where that user registers a device that then passes a login', async () => {
    const browser = h.browser();
    const page = await browser.get('/manageotp');
    expect(page.status, 'otp is on without otp.enabled being given').to.equal(200);
    const portal = await follow(browser, await browser.post('/manageotp/signin', { username: 'bob', password: 'bob-pw', csrf: csrfOf(page.body) }));
    expect(portal.body).to.include('Signed in as <strong>bob</strong>');
    const device = await addDevice(browser, csrfOf(portal.body));
    const confirmed = await browser.post(`/manageotp/devices/${device.id}/confirm`, { code: totp.codeAt(device.secret, clock.now()), csrf: csrfOf(portal.body) });
    expect(confirmed.headers.get('location')).to.equal('/manageotp?m=device_confirmed');

    clock.advance(30_000);
    const login = h.browser();
    const started = (await startLogin(login, 'bob', 'bob-pw')).json();
    const done = await login.postJson('/mfa/passcode', { passcode: totp.codeAt(device.secret, clock.now()), csrf: started.csrf });
    expect(done.json().status).to.equal('done');
    expect(h.gateway.logins.at(-1)?.login).to.equal('bob');
  });
});
