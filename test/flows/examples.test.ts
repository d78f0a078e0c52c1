import { expect } from 'chai';
import nock from 'nock';
import { readFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ALICE_DEVICE_KEY as DEVICE, rememberDevice } from '../helpers/remembered_device.js';
import { elementOf } from '../helpers/anakam_replies.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { TestBrowser } from '../helpers/browser.js';
import { STUB_USERS } from '../helpers/gateway_stub.js';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { Totp } from '../../src/otp/totp.js';

// Each example of fixtures/flows/ as factorgate's configuration, run end to end through the real
// login (HTTP in, the two-factor and push servers scripted with nock, slapd real), with the path
// each login took read from its audit line.

const SECOND = 'bbbbbbbb-2222-4294-aa6b-558dba0bb3d4';
const TID = '353846450659';

const example = (name: string): unknown => (parseYaml(readFileSync(new URL(`../../fixtures/flows/${name}.yaml`, import.meta.url), 'utf8')) as { flows: unknown }).flows;
const auditOf = (h: Harness) => h.logs.lines.filter((l) => l.event === 'login_finished').at(-1);

/** The first factor posted from a given client address (factorgate trusts the local proxy's X-Forwarded-For). */
async function loginFrom(browser: TestBrowser, address: string) {
  const page = await browser.get('/vpn/index.html');
  return browser.post('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(page.body) }, { Accept: 'application/json', 'X-Forwarded-For': address });
}

describe('flow examples end to end (fixtures/flows/)', function () {
  this.timeout(20_000);
  let h: Harness;
  afterEach(async () => { await h.close(); });

  describe('default.yaml', () => {
    it('configured explicitly, it behaves as the built-in default: passcode, remembered device, refused device', async () => {
      h = await startHarness({ flows: example('default') });
      const browser = h.browser();
      await rememberDevice(browser);
      expect(auditOf(h)).to.deep.include({ outcome: 'success', path: 'passcode', flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done' });

      const tfa = new AnakamScript().auth('alice', SECOND).step(SECOND, 'VERIFY_DEVICE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
      expect((await startLogin(browser, 'alice', 'alice-pw')).json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
      expect(elementOf(tfa.bodies[0], 'deviceKey')).to.equal(DEVICE);
      expect(auditOf(h)).to.deep.include({ outcome: 'success', path: 'device', flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done' });
      tfa.done();

      // A device the server no longer knows: ANAKAM_DEVICE fails, the passcode policy runs on the same auth key.
      const refused = new AnakamScript().auth('alice', SECOND).step(SECOND, 'VERIFY_DEVICE', 'DEVICE_UNKNOWN')
        .step(SECOND, 'SELECT_METHOD', 'METHOD_SELECTED').step(SECOND, 'GET_PARAMS', 'PASSCODE_SENT', { destination: 'a***@example.com' });
      const reply = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect(reply).to.deep.include({ status: 'challenge' });
      expect(reply.notice.code).to.equal('device_refused');
      expect(await browser.cookie('DeviceKey')).to.equal(undefined);
      refused.done();
    });

    it('without a flows section the audit line names the same path as the example', async () => {
      h = await startHarness({ gateway: { passwordCheck: 'first' } });
      await rememberDevice(h.browser());
      expect(auditOf(h)).to.deep.include({ flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done' });
    });
  });

  describe('intranet-device.yaml', () => {
    beforeEach(async () => { h = await startHarness({ flows: example('intranet-device'), trustProxy: ['127.0.0.1'] }); });

    it('from the intranet a remembered device skips the passcode', async () => {
      const browser = h.browser();
      await rememberDevice(browser);
      const tfa = new AnakamScript().auth('alice', SECOND).step(SECOND, 'VERIFY_DEVICE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
      expect((await loginFrom(browser, '10.20.30.40')).json().status).to.equal('done');
      expect(auditOf(h)).to.deep.include({ clientIp: '10.20.30.40', flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done' });
      tfa.done();
    });

    it('from outside, the same device still gets a passcode, and the server is never asked about the device', async () => {
      const browser = h.browser();
      await rememberDevice(browser);
      const tfa = new AnakamScript().passcodeSent('alice', SECOND).step(SECOND, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
      const started = (await loginFrom(browser, '203.0.113.9')).json();
      expect(started.challenge).to.include({ kind: 'passcode' });
      expect(tfa.bodies.some((b) => elementOf(b, 'deviceKey') !== undefined)).to.equal(false);
      expect((await browser.postJson('/mfa/passcode', { passcode: '424242', csrf: started.csrf })).json().status).to.equal('done');
      expect(auditOf(h)).to.deep.include({ clientIp: '203.0.113.9', flow: 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done' });
      tfa.done();
    });
  });

  describe('group-check.yaml (against a real slapd)', () => {
    let slapd: Slapd;
    const stubbed = { ...STUB_USERS };
    before(async () => {
      slapd = await startSlapd();
      // The gateway knows the same passwords as the directory, as it would in a real deployment.
      Object.assign(STUB_USERS, { alice: directory.users.alice.password, carol: directory.users.carol.password });
    });
    after(async () => {
      await slapd.stop();
      for (const user of Object.keys(STUB_USERS)) delete STUB_USERS[user];
      Object.assign(STUB_USERS, stubbed);
    });
    // The example names the group Administrators, as Citrix's nFactor example does; the test directory calls it admins.
    const flows = () => JSON.parse(JSON.stringify(example('group-check')).replace('\'Administrators\'', '\'admins\''));
    const config = () => ({
      flows: flows(),
      ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' },
      linotp: { urls: [LINOTP_URL], pollIntervalMs: 200 },
    });

    it('an administrator approves a push; no passcode is sent', async () => {
      h = await startHarness(config());
      const linotp = new LinotpScript().pushStarted(TID).status(TID, 'approved', 5);
      const tfa = nock(ANAKAM_URL).post(/.*/).query(true).reply(200, '');
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', directory.users.alice.password)).json();
      expect(started.challenge).to.include({ kind: 'push', canEnterCode: false });
      expect(linotp.pushes[0]!.get('user')).to.equal('alice');
      const done = await browser.postJson('/mfa/push/confirm', { csrf: started.csrf });
      expect(done.json().status).to.equal('done');
      expect(tfa.isDone()).to.equal(false);
      expect(auditOf(h)).to.deep.include({ user: 'alice', path: 'push', flow: 'password:LDAP_BIND → groupcheck[0]:NO_AUTHN → admins:PUSH → done' });
    });

    it('anyone else types a passcode', async () => {
      h = await startHarness(config());
      const tfa = new AnakamScript().passcodeSent('carol', SECOND).step(SECOND, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
      const browser = h.browser();
      const started = (await startLogin(browser, 'carol', directory.users.carol.password)).json();
      expect(started.challenge).to.include({ kind: 'passcode' });
      expect((await browser.postJson('/mfa/passcode', { passcode: '424242', csrf: started.csrf })).json().status).to.equal('done');
      expect(auditOf(h)).to.deep.include({ user: 'carol', flow: 'password:LDAP_BIND → groupcheck[1]:NO_AUTHN → others:ANAKAM_PASSCODE → done' });
      tfa.done();
    });

    it('a wrong password ends at the bind: no push, no passcode, the refusal of a password', async () => {
      h = await startHarness(config());
      const reply = await startLogin(h.browser(), 'alice', 'not-her-password');
      expect(reply.status).to.equal(401);
      expect(reply.json().code).to.equal('gateway_refused');
      expect(auditOf(h)).to.deep.include({ outcome: 'gateway_refused', flow: 'password ✗' });
    });
  });

  describe('push-otp-fallback.yaml', () => {
    let dir: string;
    let clock: FakeClock;
    let secret: string;
    const totp = new Totp();

    beforeEach(async () => {
      clock = new FakeClock();
      let path: string;
      ({ dir, path, secret } = await registeredDevice(clock));
      h = await startHarness({ flows: example('push-otp-fallback'), linotp: { urls: [LINOTP_URL], pollIntervalMs: 200 }, otp: { enabled: true, sqlite: { path } } }, { clock });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a denied push falls back to a form asking for the app\'s code, which lets the user in', async () => {
      new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect(started.challenge.kind).to.equal('push');
      const asked = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
      expect(asked).to.deep.include({ status: 'ask', factor: 'code' });
      expect(asked.fields).to.deep.equal([{ name: 'code', label: 'One-time code', type: 'otp', help: 'The 6-digit code from your authenticator app.' }]);
      const done = await browser.postJson('/mfa/step', { code: totp.codeAt(secret, clock.now()), csrf: asked.csrf });
      expect(done.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
      expect(auditOf(h)).to.deep.include({ outcome: 'success', flow: 'password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE → done' });
    });

    it('"use another way" while the push waits goes to the code; a wrong code asks again, within the limits', async () => {
      new LinotpScript().pushStarted(TID);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect(started.another).to.equal(true);
      const asked = (await browser.postJson('/mfa/another', { csrf: started.csrf })).json();
      expect(asked.status).to.equal('ask');
      const right = totp.codeAt(secret, clock.now());
      const wrong = (await browser.postJson('/mfa/step', { code: right === '000000' ? '111111' : '000000', csrf: asked.csrf })).json();
      expect(wrong).to.deep.include({ status: 'challenge' });
      expect(wrong.notice).to.include({ code: 'code_invalid', attemptsRemaining: 4 });
      expect((await browser.postJson('/mfa/passcode', { passcode: right, csrf: wrong.csrf })).json().status).to.equal('done');
      expect(h.logs.lines.some((l) => l.event === 'another_way' && l.provider === 'push')).to.equal(true);
    });

    it('an approved push needs no code', async () => {
      new LinotpScript().pushStarted(TID).status(TID, 'approved', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json().status).to.equal('done');
      expect(auditOf(h)).to.deep.include({ flow: 'password:GATEWAY_PASSWORD → push:PUSH → done' });
    });

    it('the form refuses what it did not ask for, and a missing code keeps the login open', async () => {
      new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      const asked = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
      const empty = await browser.postJson('/mfa/step', { csrf: asked.csrf });
      expect(empty.status).to.equal(400);
      expect(empty.json().code).to.equal('invalid_input');
      // A passcode posted to a login that asks a form is the wrong step: it ends the login.
      const misplaced = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: asked.csrf });
      expect(misplaced.json().code).to.equal('wrong_state');
      // GATEWAY_PASSWORD had the gateway check the password first; the session it opened was held,
      // and the login's end logged it out.
      expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
      expect(h.gateway.logouts).to.deep.equal(['alice']);
      expect(h.gateway.sessions.size).to.equal(0);
    });

    it('the no-JS pages: the form comes as a page with its label and help, and posts to /mfa/step', async () => {
      new LinotpScript().pushStarted(TID).status(TID, 'denied', 5);
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      const redirect = await browser.post('/mfa/push/confirm', { csrf: started.csrf });
      expect(redirect.status).to.equal(303);
      const page = await browser.get(redirect.headers.get('location')!);
      expect(page.body).to.contain('<form method="post" action="/mfa/step"').and.contain('One-time code')
        .and.contain('The 6-digit code from your authenticator app.').and.contain('autocomplete="one-time-code"');
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1]!;
      const done = await browser.post('/mfa/step', { code: totp.codeAt(secret, clock.now()), csrf });
      expect(done.status).to.equal(303);
      expect(done.headers.get('location')).to.equal('/vpn/portal.html');
    });
  });
});
