import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { Totp } from '../../src/otp/totp.js';
import { addDevice, csrfOf, follow } from './helpers/portal_app.js';

// The portal as mounted by src/factorgate.ts, src/app.ts and the front door's route table:
// served by factorgate (never passed to the gateway), and a device set up there signs in at /mfa.

describe('/manageotp behind the real front door', () => {
  let h: Harness;
  let dir: string;
  const clock = new FakeClock();
  const totp = new Totp();
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-manage-e2e-'));
    h = await startHarness({ otp: { enabled: true, sqlite: { path: join(dir, 'devices.sqlite') } }, providers: { default: 'totp' } }, { clock });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('registers a device with the gateway password, and the device then passes a login', async () => {
    const browser = h.browser();
    const page = await browser.get('/manageotp');
    expect(page.status, 'served by factorgate: mounted in src/app.ts and listed as its own in the route table (src/proxy/guard.ts)').to.equal(200);
    expect(page.body).to.include('action="/manageotp/signin"');
    expect(page.headers.get('content-security-policy')).to.include("default-src 'self'");
    const refused = await browser.post('/manageotp/signin', { username: 'alice', password: 'not-her-password', csrf: csrfOf(page.body) });
    expect(refused.body).to.include('was not accepted');
    const again = await browser.get('/manageotp');
    const portal = await follow(browser, await browser.post('/manageotp/signin', { username: 'alice', password: 'alice-pw', csrf: csrfOf(again.body) }));
    expect(portal.body).to.include('Signed in as <strong>alice</strong>');
    const { id, secret } = await addDevice(browser, csrfOf(portal.body));
    const confirmed = await browser.post(`/manageotp/devices/${id}/confirm`, { code: totp.codeAt(secret, clock.now()), csrf: csrfOf(portal.body) });
    expect(confirmed.headers.get('location')).to.equal('/manageotp?m=device_confirmed');

    clock.advance(30_000);
    const login = h.browser();
    const started = (await startLogin(login, 'alice', 'alice-pw')).json();
    const done = await login.postJson('/mfa/passcode', { passcode: totp.codeAt(secret, clock.now()), csrf: started.csrf });
    expect(done.json().status).to.equal('done');

    // From now on the password alone opens the portal to no one.
    const thief = h.browser();
    const form = await thief.get('/manageotp');
    const step = await follow(thief, await thief.post('/manageotp/signin', { username: 'alice', password: 'alice-pw', csrf: csrfOf(form.body) }));
    expect(step.body).to.include('Enter a code from your device');
    expect(h.gateway.logins.filter((l) => l.login === 'alice').length, 'portal sign-ins were checked by replay').to.be.at.least(2);
  });
});
