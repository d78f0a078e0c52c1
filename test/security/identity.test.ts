import { expect } from 'chai';
import nock from 'nock';
import { rmSync } from 'node:fs';
import { Totp } from '../../src/otp/totp.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { rememberDevice } from '../helpers/remembered_device.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { STUB_USERS } from '../helpers/gateway_stub.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';
import { csrfOf, follow } from '../manage/helpers/portal_app.js';
import type { TestBrowser } from '../helpers/browser.js';

// One identity per user, everywhere: every decision keyed by a user (devices, limits, locks,
// remembered devices, portal sessions) uses the one key src/identity/user_names.ts makes.

const OTHER_SPELLINGS = ['EU\\alice', 'CORP\\alice', 'alice@corp.example', 'ａｌｉｃｅ'];

async function portalSignIn(browser: TestBrowser, username: string, password: string) {
  const page = await browser.get('/manageotp');
  return browser.post('/manageotp/signin', { username, password, csrf: csrfOf(page.body) });
}

describe('security: one identity per user', () => {
  const totp = new Totp();
  let h: Harness;
  let dir: string;
  let path: string;
  let clock: FakeClock;

  beforeEach(async () => {
    clock = new FakeClock();
    ({ dir, path } = await registeredDevice(clock));
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('portal takeover: signing in at /manageotp under another spelling of alice', () => {
    for (const typed of OTHER_SPELLINGS) {
      it(`${typed} with alice's password reaches no "Add a device": the name is refused with what to type`, async () => {
        h = await startHarness({ otp: { sqlite: { path } } }, { clock, anakam: false });
        const browser = h.browser();
        // The refused name comes back in the form itself, with what to type: no session is made.
        const page = await portalSignIn(browser, typed, 'alice-pw');
        expect(page.status).to.equal(200);
        expect(page.setCookies.some((c) => c.startsWith('fg_manage='))).to.equal(false);
        expect(page.body).not.to.include('Add a device');
        expect(page.body).to.match(/without a domain|ordinary letters/);
        expect(h.gateway.logins, 'the password is not even checked').to.deep.equal([]);
        expect(h.logs.lines.some((l) => l.event === 'manageotp_signin_failed' && String(l.reason).startsWith('user_name'))).to.equal(true);
      });
    }

    it('with users.realms strip, EU\\alice is alice: her code is owed before any device can be added', async () => {
      h = await startHarness({ otp: { sqlite: { path } }, users: { realms: 'strip', realmNames: ['EU'] } }, { clock, anakam: false });
      const browser = h.browser();
      const page = await follow(browser, await portalSignIn(browser, 'EU\\alice', 'alice-pw'));
      expect(page.body).to.include('Enter a code from your device');
      expect(page.body).not.to.include('Add a device');
      expect(h.gateway.logins.map((l) => l.login), 'the gateway gets the key, not the typed spelling').to.deep.equal(['alice']);
    });

    it('ALICE is alice: the same devices are asked for, at the portal and at login', async () => {
      h = await startHarness({ otp: { sqlite: { path } } }, { clock, anakam: false });
      const browser = h.browser();
      const page = await follow(browser, await portalSignIn(browser, 'ALICE', 'alice-pw'));
      expect(page.body).to.include('Enter a code from your device');
      const devices = await SqliteDeviceStore.open({ path, clock });
      expect((await devices.list('ALICE')).length, 'nothing is filed under the typed spelling').to.equal(0);
      await devices.close();
    });
  });

  describe('/mfa/login under another spelling', () => {
    for (const typed of OTHER_SPELLINGS) {
      it(`${typed} is refused before any callout, with a message saying how to type the name, and logged`, async () => {
        h = await startHarness();
        const scope = nock(ANAKAM_URL).post(/.*/).reply(200, '').put(/.*/).reply(200, '');
        const reply = await startLogin(h.browser(), typed, 'alice-pw');
        expect(reply.status).to.equal(400);
        expect(reply.json().code).to.match(/^user_name_/);
        expect(reply.json().message).to.match(/without a domain|ordinary letters/);
        expect(scope.isDone(), 'no passcode was sent').to.equal(false);
        expect(h.gateway.logins).to.deep.equal([]);
        expect(h.logs.lines.some((l) => l.event === 'request_refused' && String(l.code).startsWith('user_name_'))).to.equal(true);
      });
    }

    it('a locked alice stays locked under every spelling that is accepted as her (users.realms strip)', async () => {
      h = await startHarness({ users: { realms: 'strip', realmNames: ['EU', 'eu.example'] }, limits: { wrongAnswersPerUser: 2 }, login: { maxPasscodeAttempts: 2 } });
      const key = 'bbbbbbbb-1111-4e22-8018-e4cf70027375';
      new AnakamScript().passcodeSent('alice', key)
        .step(key, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '9' })
        .step(key, 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '9' });
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
      await browser.postJson('/mfa/passcode', { passcode: '000001', csrf: started.csrf });
      const scope = nock(ANAKAM_URL).post(/.*/).reply(200, '');
      for (const typed of ['alice', 'ALICE', 'EU\\alice', 'eu\\Alice', 'alice@eu.example', 'Alice@EU.Example']) {
        const reply = await startLogin(h.browser(), typed, 'alice-pw');
        expect(reply.status, typed).to.equal(429);
        expect(reply.json().code).to.equal('rate_limited');
      }
      expect(scope.isDone(), 'no fresh passcode for any spelling').to.equal(false);
    });

    it('a remembered device issued to alice is honoured for ALICE, and the gateway gets the key', async () => {
      h = await startHarness();
      const browser = h.browser();
      await rememberDevice(browser);
      const key = 'cccccccc-1111-4e22-8018-e4cf70027375';
      const tfa = new AnakamScript().auth('alice', key).step(key, 'VERIFY_DEVICE', 'AUTHENTICATED').step(key, 'COMPLETE', 'COMPLETE');
      const reply = await startLogin(browser, 'ALICE', 'alice-pw');
      expect(reply.json().status).to.equal('done');
      tfa.done();
      expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice', 'alice']);
    });

    it('users.gatewayName typed sends the gateway the name as typed, while every decision keeps the key', async () => {
      h = await startHarness({ users: { gatewayName: 'typed' } });
      STUB_USERS.Bob = 'bob-pw';
      try {
        const key = 'dddddddd-1111-4e22-8018-e4cf70027375';
        new AnakamScript().passcodeSent('bob', key).step(key, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(key, 'COMPLETE', 'COMPLETE');
        const browser = h.browser();
        const started = (await startLogin(browser, 'Bob', 'bob-pw')).json();
        expect((await browser.postJson('/mfa/passcode', { passcode: '424242', csrf: started.csrf })).json().status).to.equal('done');
        expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['Bob']);
        expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.include({ user: 'bob' });
      } finally {
        delete STUB_USERS.Bob;
      }
    });
  });

  describe('with LDAP, the directory names the user', function () {
    this.timeout(20_000);
    let slapd: Slapd;
    before(async () => { slapd = await startSlapd(); });
    after(async () => { await slapd?.stop(); });

    it('the key is the directory\'s account name (ldap.accountAttribute): the devices, limits and audit line are that user\'s', async () => {
      const account = directory.users.alice.employeeNumber.toLowerCase();
      const device = await registeredDevice(clock, account);
      try {
        h = await startHarness({
          ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org', accountAttribute: 'employeeNumber' },
          otp: { sqlite: { path: device.path } }, users: { gatewayName: 'typed' },
        }, { clock, anakam: false });
        STUB_USERS.alice = directory.users.alice.password;
        const browser = h.browser();
        const started = (await startLogin(browser, 'alice', directory.users.alice.password)).json();
        expect(started.challenge.kind).to.equal('passcode');
        const done = await browser.postJson('/mfa/passcode', { passcode: totp.codeAt(device.secret, clock.now()), csrf: started.csrf });
        expect(done.json().status).to.equal('done');
        expect(h.gateway.logins.map((l) => l.login), 'the gateway still gets what was typed (users.gatewayName typed)').to.deep.equal(['alice']);
        expect(h.logs.lines.find((l) => l.event === 'login_finished')).to.include({ user: account, outcome: 'success' });
        expect(h.logs.lines.some((l) => l.event === 'user_named_by_directory' && l.user === account)).to.equal(true);
      } finally {
        STUB_USERS.alice = 'alice-pw';
        rmSync(device.dir, { recursive: true, force: true });
      }
    });
  });
});
