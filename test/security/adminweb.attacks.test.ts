import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Limits } from '../../src/security/limits.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { TestBrowser } from '../helpers/browser.js';
import { startLogin } from '../helpers/harness.js';
import { csrfOf, follow, postPassword, signIn, signedIn, startAdmin, type AdminUnderTest } from '../adminweb/helpers.js';

// Attacks on /admin (src/adminweb/), on a real factorgate: an administrator's password without
// their own second factor, a remembered browser in its place, a user who is no administrator,
// forged posts, a copied session cookie, and a session left open.

type Audited = Record<string, unknown>;
const audited = (admin: AdminUnderTest): Audited[] => readFileSync(admin.auditFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Audited);
const IDLE_MS = 15 * 60_000;

describe('/admin under attack', function () {
  this.timeout(20_000);
  let admin: AdminUnderTest;
  beforeEach(async () => { admin = await startAdmin(); });
  afterEach(() => admin.close());

  describe('signing in', () => {
    it('asks for the administrator\'s own code after the password: the password alone opens nothing', async () => {
      const browser = admin.h.browser();
      const reply = await postPassword(browser, 'alice', 'alice-pw');
      expect(reply.status).to.equal(303);
      const codePage = await follow(browser, reply);
      expect(codePage.body).to.contain('Enter a code from your app').and.not.contain('Find a user');
      const user = await browser.get('/admin/users/bob');
      expect(user.status).to.equal(303);
      expect(user.headers.get('location')).to.equal('/admin');
      expect((await browser.get('/admin/logins')).headers.get('location')).to.equal('/admin');
      const wrong = await browser.post('/admin/code', { code: '000000', csrf: csrfOf(codePage.body) });
      expect(wrong.headers.get('location')).to.equal('/admin?m=code_wrong');
      expect((await browser.get('/admin/users/bob')).status).to.equal(303);
      expect(admin.h.logs.lines.find((l) => l.event === 'admin_signin_failed')).to.deep.include({ user: 'alice', reason: 'wrong' });
    });

    it('with both factors: a new session, its cookie HttpOnly, SameSite=Strict, on /admin only', async () => {
      const { reply } = await signIn(admin);
      expect(reply.headers.get('location')).to.equal('/admin');
      const cookie = reply.setCookies.filter((c) => c.startsWith('fg_admin=')).at(-1)!;
      expect(cookie).to.match(/^fg_admin=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=28800; Path=\/admin; Expires=[^;]+; HttpOnly; SameSite=Strict$/);
      expect(admin.h.logs.lines.find((l) => l.event === 'admin_signin')).to.deep.include({ user: 'alice', clientIp: '127.0.0.1' });
    });

    it('a remembered browser stands in for nothing: the administrator is asked for a code all the same', async () => {
      // alice's browser is remembered at the login (a DeviceKey the gateway's sign-in honours)...
      const browser = admin.h.browser();
      const key = 'aaaaaaaa-1111-4e22-8018-e4cf70027375';
      new AnakamScript().passcodeSent('alice', key)
        .step(key, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'device-key-for-alice-0001', deviceExpires: new Date(Date.now() + 8 * 3_600_000).toISOString() })
        .step(key, 'COMPLETE', 'COMPLETE');
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect((await browser.postJson('/mfa/passcode', { passcode: '424242', remember: 'on', csrf: started.csrf })).json().status).to.equal('done');
      const deviceKey = await browser.cookie('DeviceKey');
      expect(deviceKey).to.be.a('string');
      // ...and sent to /admin too (as if its path allowed): the password still leads to the code, nothing more.
      const page = await browser.get('/admin', { Cookie: `DeviceKey=${deviceKey}` });
      const reply = await browser.post('/admin/signin', { username: 'alice', password: 'alice-pw', csrf: csrfOf(page.body) }, { Cookie: `DeviceKey=${deviceKey}; fg_admin_csrf=${await browser.cookie('fg_admin_csrf', '/admin')}` });
      expect((await follow(browser, reply)).body).to.contain('Enter a code from your app');
      expect((await browser.get('/admin/users/bob')).headers.get('location')).to.equal('/admin');
    });

    it('a user who is no administrator passes both factors and is refused with a page saying so, and logged', async () => {
      const { browser, reply } = await signIn(admin, 'bob');
      expect(reply.status).to.equal(403);
      expect(reply.body).to.contain('Not an administrator').and.contain('You signed in as <strong>bob</strong>');
      expect(admin.h.logs.lines.find((l) => l.event === 'admin_signin_refused')).to.deep.include({ user: 'bob', reason: 'not_administrator' });
      expect((await browser.get('/admin/users/alice')).status, 'no session is left').to.equal(303);
      expect((await browser.get('/admin')).body).to.contain('action="/admin/signin"');
    });

    it('an administrator without an app is told to set one up at /manageotp, and is not signed in', async () => {
      for (const device of await admin.devices.list('alice')) await admin.devices.remove('alice', device.id);
      const browser = admin.h.browser();
      const reply = await postPassword(browser, 'alice', 'alice-pw');
      expect(reply.status).to.equal(403);
      expect(reply.body).to.contain('Set up an authenticator app first').and.contain('href="/manageotp"');
      expect((await browser.get('/admin')).body).to.contain('action="/admin/signin"');
    });

    it('refuses a wrong password with the form again, and a sign-in form without its token', async () => {
      const browser = admin.h.browser();
      const wrong = await postPassword(browser, 'alice', 'not-alices');
      expect(wrong.status).to.equal(200);
      expect(wrong.body).to.contain('The user name or password is not right').and.contain('value="alice"');
      const forged = await admin.h.browser().post('/admin/signin', { username: 'alice', password: 'alice-pw', csrf: 'x' });
      expect(forged.status).to.equal(403);
      expect(forged.body).to.contain('did not come from this site');
      expect(admin.h.gateway.logins, 'the forged form\'s password was never tried').to.have.length(1);
    });
  });

  describe('sessions', () => {
    it('refuses every post without the session\'s CSRF token, and does nothing', async () => {
      const { browser } = await signedIn(admin);
      const limits = new Limits(admin.store, admin.h.config.limits);
      await limits.guess('bob', async () => 'wrong', () => true);
      for (const csrf of [undefined, 'wrong-token']) {
        const reply = await browser.post('/admin/users/bob/do/unlock', csrf === undefined ? {} : { csrf });
        expect(reply.status).to.equal(403);
        expect(reply.body).to.contain('did not come from this site');
      }
      expect((await limits.countersOf('bob')).wrongAnswers).to.equal(1);
      expect(audited(admin)).to.deep.equal([]);
      expect(admin.h.logs.lines.find((l) => l.event === 'admin_refused')).to.deep.include({ code: 'csrf', user: 'alice' });
    });

    it('holds only for the browser that signed in: the cookie from another User-Agent or address opens nothing, and ends the session', async () => {
      const { browser } = await signedIn(admin);
      const cookie = `fg_admin=${await browser.cookie('fg_admin', '/admin')}`;
      const elsewhere = await new TestBrowser(admin.h.url).get('/admin/users/bob', { Cookie: cookie, 'User-Agent': 'curl/8.0' });
      expect(elsewhere.status).to.equal(303);
      expect(elsewhere.headers.get('location')).to.equal('/admin?m=session_expired');
      expect(admin.h.logs.lines.find((l) => l.event === 'admin_session_refused')).to.deep.include({ user: 'alice', why: 'other_browser', sameUserAgent: false });
      expect((await browser.get('/admin/users/bob')).headers.get('location'), 'the session it was copied from is ended too').to.equal('/admin?m=session_expired');

      const again = await signedIn(admin);
      const copied = `fg_admin=${await again.browser.cookie('fg_admin', '/admin')}`;
      const otherAddress = await new TestBrowser(admin.h.url).get('/admin/users/bob', { Cookie: copied, 'X-Forwarded-For': '192.0.2.66' });
      expect(otherAddress.headers.get('location')).to.equal('/admin?m=session_expired');
      expect(admin.h.logs.lines.filter((l) => l.event === 'admin_session_refused').at(-1)).to.deep.include({ clientIp: '192.0.2.66', sameUserAgent: true });
    });

    it('ends after 15 minutes without a request, however long it has lasted with them', async () => {
      const { browser } = await signedIn(admin);
      for (let i = 0; i < 3; i++) {
        admin.clock.advance(IDLE_MS - 1000);
        expect((await browser.get('/admin/users/bob')).status, `request ${i}`).to.equal(200);
      }
      admin.clock.advance(IDLE_MS);
      const expired = await browser.get('/admin/users/bob');
      expect(expired.headers.get('location')).to.equal('/admin?m=session_expired');
      expect((await follow(browser, expired)).body).to.contain('Your administrator session has ended');
    });

    it('signs out: the cookie, replayed, opens nothing', async () => {
      const { browser, home } = await signedIn(admin);
      const cookie = `fg_admin=${await browser.cookie('fg_admin', '/admin')}`;
      const out = await browser.post('/admin/signout', { csrf: csrfOf(home.body) });
      expect(out.headers.get('location')).to.equal('/admin?m=signed_out');
      expect((await new TestBrowser(admin.h.url).get('/admin/logins', { Cookie: cookie })).status).to.equal(303);
    });
  });
});

describe('/admin under attack: the administrator\'s passkey as the second factor', function () {
  this.timeout(20_000);
  let admin: AdminUnderTest;
  afterEach(() => admin.close());

  const JSON_ACCEPT = { Accept: 'application/json' };
  const addPasskey = (user: string) => admin.devices.passkeys!.addPasskey(user, {
    id: newDeviceId(), name: 'Blue key', credentialId: `cred-${user}`, publicKey: 'pQECAyYg', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000',
  });

  it('is offered only to an administrator with a passkey, and an administrator with a passkey and no app reaches the step', async () => {
    admin = await startAdmin({ webauthn: { enabled: true, rpId: 'localhost', origins: ['https://localhost'] } });
    const browser = admin.h.browser();
    const plain = await follow(browser, await postPassword(browser, 'alice', 'alice-pw'));
    expect(plain.body).to.contain('Enter a code from your app').and.not.contain('data-factorgate="passkey-signin"').and.not.contain('manage_passkeys.js');
    await addPasskey('alice');
    for (const device of await admin.devices.list('alice')) await admin.devices.remove('alice', device.id);
    const other = admin.h.browser();
    const step = await follow(other, await postPassword(other, 'alice', 'alice-pw'));
    expect(step.body).to.contain('data-factorgate="passkey-signin"').and.contain('data-finish="/admin/passkey"').and.contain('/mfa/static/manage_passkeys.js');
  });

  it('needs the session\'s CSRF token; an assertion with no challenge, a wrong one, or a replayed one opens nothing and counts as a wrong answer', async () => {
    admin = await startAdmin({ webauthn: { enabled: true, rpId: 'localhost', origins: ['https://localhost'] } });
    await addPasskey('alice');
    const browser = admin.h.browser();
    const step = await follow(browser, await postPassword(browser, 'alice', 'alice-pw'));
    const csrf = csrfOf(step.body);
    expect((await browser.post('/admin/passkey/options', {}, JSON_ACCEPT)).status).to.equal(403);
    expect((await browser.post('/admin/passkey', { response: '{}' }, JSON_ACCEPT)).status).to.equal(403);
    const noChallenge = await browser.post('/admin/passkey', { csrf, response: '{}' }, JSON_ACCEPT);
    expect(noChallenge.json()).to.deep.equal({ location: '/admin?m=passkey_refused' });
    const options = (await browser.post('/admin/passkey/options', { csrf }, JSON_ACCEPT)).json();
    expect(options.options.allowCredentials.map((c: { id: string }) => c.id)).to.deep.equal(['cred-alice']);
    const wrong = await browser.post('/admin/passkey', { csrf, response: JSON.stringify({ id: 'cred-alice', rawId: 'cred-alice', type: 'public-key', response: {} }) }, JSON_ACCEPT);
    expect(wrong.json()).to.deep.equal({ location: '/admin?m=passkey_refused' });
    const replayed = await browser.post('/admin/passkey', { csrf, response: JSON.stringify({ id: 'cred-alice', rawId: 'cred-alice', type: 'public-key', response: {} }) }, JSON_ACCEPT);
    expect(replayed.json()).to.deep.equal({ location: '/admin?m=passkey_refused' });
    expect((await new Limits(admin.store, admin.h.config.limits).countersOf('alice')).wrongAnswers).to.equal(3);
    expect((await browser.get('/admin/users/bob')).headers.get('location')).to.equal('/admin');
    expect(admin.h.logs.lines.filter((l) => l.event === 'admin_signin_failed' && l.reason === 'passkey')).to.have.length(3);
    expect(admin.h.logs.lines.some((l) => l.event === 'admin_signin')).to.equal(false);
  });

  it('is not there when passkeys are off', async () => {
    admin = await startAdmin();
    const browser = admin.h.browser();
    const step = await follow(browser, await postPassword(browser, 'alice', 'alice-pw'));
    const reply = await browser.post('/admin/passkey/options', { csrf: csrfOf(step.body) }, JSON_ACCEPT);
    expect(reply.status).to.equal(404);
  });
});
