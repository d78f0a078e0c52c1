import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Limits } from '../../src/security/limits.js';
import { RememberedBrowsers } from '../../src/security/remembered_browsers.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { startLogin } from '../helpers/harness.js';
import { act, bobRemembers, csrfOf, follow, signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// /admin (src/adminweb/) on a real factorgate: each action with its effect on the users'
// sign-ins and its line in admin.auditFile, the live view and the recent actions. The attacks
// (second factor, non-administrators, CSRF, sessions) are in test/security/adminweb.attacks.test.ts.

type Audited = Record<string, unknown>;
const audited = (admin: AdminUnderTest): Audited[] => readFileSync(admin.auditFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Audited);
const SECOND = 'cccccccc-3333-4294-aa6b-558dba0bb3d4';

describe('/admin, the administrator\'s web view', function () {
  this.timeout(20_000);
  let admin: AdminUnderTest;
  beforeEach(async () => { admin = await startAdmin(); });
  afterEach(() => admin.close());

  describe('a user\'s page and its actions', () => {
    it('shows the user\'s apps, remembered browsers, counters, recovery code and waiting sign-ins, and says where recent sign-ins are', async () => {
      await bobRemembers(admin.h, admin.h.browser());
      const { browser, home } = await signedIn(admin);
      const found = await browser.get(`/admin/users?name=${encodeURIComponent(' Bob ')}`);
      expect(found.headers.get('location'), 'the user\'s key, as the login makes it').to.equal('/admin/users/bob');
      expect(home.body).to.contain('action="/admin/users"');
      const page = await follow(browser, found);
      expect(page.body).to.contain('<h1>User bob</h1>').and.contain('bob&#39;s phone').and.contain('authenticator app');
      expect(page.body).to.contain('127.0.0.1').and.contain('/admin/users/bob/confirm/browser-revoke/');
      expect(page.body).to.contain('Not locked.').and.contain('None unused.');
      expect(page.body).to.contain('event login_finished');
    });

    it('finds a user typed with a realm under the key the login gives them', async () => {
      await admin.close();
      admin = await startAdmin({ users: { realms: 'strip', realmNames: ['EU'] } });
      const { browser } = await signedIn(admin);
      const found = await browser.get(`/admin/users?name=${encodeURIComponent('EU\\Bob')}`);
      expect(found.headers.get('location')).to.equal('/admin/users/bob');
      expect((await follow(browser, found)).body).to.contain('<h1>User bob</h1>');
      const refused = await browser.get(`/admin/users?name=${encodeURIComponent('XX\\bob')}`);
      expect(refused.status).to.equal(400);
      expect(refused.body).to.contain('is not a user name factorgate accepts');
    });

    it('refuses a typed name the user-name rules do not accept, with a page that says why', async () => {
      const { browser } = await signedIn(admin);
      const page = await browser.get(`/admin/users?name=${encodeURIComponent('a@b@c')}`);
      expect(page.status).to.equal(400);
      expect(page.body).to.contain('is not a user name factorgate accepts');
    });

    it('revoke a remembered browser: asked for a code at its next sign-in, and audited', async () => {
      const bobs = admin.h.browser();
      await bobRemembers(admin.h, bobs);
      const { browser } = await signedIn(admin);
      const [remembered] = await new RememberedBrowsers(admin.store, { maxPerUser: 10, now: Date.now }).list('bob');
      const { confirm, done } = await act(browser, `/admin/users/bob/confirm/browser-revoke/${remembered!.id}`);
      expect(confirm.body).to.contain('Revoke this remembered browser?');
      expect(done.headers.get('location')).to.equal('/admin/users/bob?m=browser_revoked');
      expect((await follow(browser, done)).body).to.contain('The browser is forgotten');

      const tfa = new AnakamScript().passcodeSent('bob', SECOND);
      const reply = await startLogin(bobs, 'bob', 'bob-pw');
      expect(reply.json().status).to.equal('challenge');
      expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
      expect(admin.h.logs.lines.some((l) => l.event === 'device_cookie_refused' && l.user === 'bob')).to.equal(true);
      expect(audited(admin)).to.have.length(1);
      expect(audited(admin)[0]).to.deep.include({ event: 'admin_action', actor: 'alice', from: '127.0.0.1', action: 'browsers_revoke', user: 'bob', browser: remembered!.id, revoked: 1, outcome: 'done' });
    });

    it('revoke every remembered browser', async () => {
      await bobRemembers(admin.h, admin.h.browser());
      await bobRemembers(admin.h, admin.h.browser(), 'dddddddd-4444-4e22-8018-e4cf70027375');
      const { browser } = await signedIn(admin);
      const { done } = await act(browser, '/admin/users/bob/confirm/browsers-revoke-all');
      expect(done.headers.get('location')).to.equal('/admin/users/bob?m=browsers_revoked');
      expect(await new RememberedBrowsers(admin.store, { maxPerUser: 10, now: Date.now }).list('bob')).to.deep.equal([]);
      expect(audited(admin)[0]).to.deep.include({ actor: 'alice', action: 'browsers_revoke', user: 'bob', browser: 'all', revoked: 2 });
    });

    it('clear a lock: the locked user is let in at once, and it is audited', async () => {
      const limits = new Limits(admin.store, admin.h.config.limits);
      for (let i = 0; i < admin.h.config.limits.wrongAnswersPerUser; i++) await limits.guess('bob', async () => 'wrong', () => true);
      expect((await startLogin(admin.h.browser(), 'bob', 'bob-pw')).status, 'locked').to.equal(429);
      const { browser } = await signedIn(admin);
      expect((await browser.get('/admin/users/bob')).body).to.contain('<strong>Locked.</strong>');
      const { done } = await act(browser, '/admin/users/bob/confirm/unlock');
      expect(done.headers.get('location')).to.equal('/admin/users/bob?m=unlocked');
      const tfa = new AnakamScript().passcodeSent('bob', SECOND);
      expect((await startLogin(admin.h.browser(), 'bob', 'bob-pw')).json().status).to.equal('challenge');
      tfa.done();
      expect(audited(admin)[0]).to.deep.include({ actor: 'alice', from: '127.0.0.1', action: 'unlock', user: 'bob', wasLocked: true });
    });

    it('remove a device: gone from the device store, and audited', async () => {
      const [phone] = await admin.devices.list('bob');
      const { browser } = await signedIn(admin);
      const { confirm, done } = await act(browser, `/admin/users/bob/confirm/device-remove/${phone!.id}`);
      expect(confirm.body).to.contain('Remove this device?');
      expect(done.headers.get('location')).to.equal('/admin/users/bob?m=device_removed');
      expect(await admin.devices.list('bob')).to.deep.equal([]);
      expect(audited(admin)[0]).to.deep.include({ actor: 'alice', action: 'device_remove', user: 'bob', device: phone!.id, outcome: 'done' });
    });

    it('issue a recovery code: shown once, never stored or audited in clear, and it signs the user in once only', async () => {
      const { browser } = await signedIn(admin);
      const { done } = await act(browser, '/admin/users/bob/confirm/recovery-code');
      expect(done.status).to.equal(200);
      expect(done.headers.get('cache-control')).to.equal('no-store');
      const code = /<code>([0-9A-Z-]{24})<\/code>/.exec(done.body)![1]!;
      expect(readFileSync(admin.auditFile, 'utf8')).not.to.contain(code);
      expect(admin.h.logs.text()).not.to.contain(code);
      expect((await browser.get('/admin/users/bob')).body).to.contain('An unused code was issued').and.not.contain(code);
      expect(audited(admin)[0]).to.deep.include({ actor: 'alice', action: 'recovery_code_issue', user: 'bob', outcome: 'done' });

      const used = async () => {
        const bob = admin.h.browser();
        new AnakamScript().passcodeSent('bob', SECOND);
        const started = (await startLogin(bob, 'bob', 'bob-pw')).json();
        return (await bob.postJson('/mfa/recovery', { code, csrf: started.csrf })).json();
      };
      const first = await used();
      expect(first.status).to.equal('challenge');
      expect(first.challenge.kind, 'the code opens the enrolment of a new app').to.equal('enrol');
      const second = await used();
      expect(second.notice?.code).to.equal('recovery_code_invalid');
    });

    it('ends a waiting sign-in from the live view, which lists it with its step and age and counts the last hour', async () => {
      const bob = admin.h.browser();
      new AnakamScript().passcodeSent('bob', SECOND);
      const started = (await startLogin(bob, 'bob', 'bob-pw')).json();
      const { browser } = await signedIn(admin);
      const live = await browser.get('/admin/logins');
      expect(live.body).to.contain('<a href="/admin/users/bob">bob</a>').and.contain('anakam').and.contain('End this sign-in');
      const end = /action="(\/admin\/logins\/[0-9a-f]{16}\/end)"/.exec(live.body)![1]!;
      const ended = await browser.post(end, { csrf: csrfOf(live.body) });
      expect(ended.headers.get('location')).to.equal('/admin/logins?m=login_ended');
      expect((await bob.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf })).json().code).to.equal('no_login');
      expect(audited(admin)[0]).to.deep.include({ actor: 'alice', action: 'login_end', user: 'bob', outcome: 'done' });

      // A sign-in that finishes is counted by its outcome.
      await bobRemembers(admin.h, admin.h.browser(), 'eeeeeeee-5555-4e22-8018-e4cf70027375');
      const counted = (await browser.get('/admin/logins')).body;
      expect(counted).to.match(/<td>success<\/td><td data-label="Sign-ins">1<\/td>/);
      // An hour on, it is no longer counted.
      admin.clock.advance(61 * 60_000);
      const later = await signedIn(admin);
      expect((await later.browser.get('/admin/logins')).body).not.to.contain('<td>success</td>');
    });

    it('"End this sign-in" also logs out the gateway session a password-first sign-in holds', async () => {
      await admin.close();
      admin = await startAdmin({ gateway: { passwordCheck: 'first' } });
      const tfa = new AnakamScript().passcodeSent('bob', SECOND);
      const started = (await startLogin(admin.h.browser(), 'bob', 'bob-pw')).json();
      expect(started.status).to.equal('challenge');
      tfa.done();
      const bobsSessions = () => [...admin.h.gateway.sessions.values()].filter((user) => user === 'bob');
      expect(bobsSessions(), 'the password opened a gateway session, held for the login').to.have.length(1);
      const { browser } = await signedIn(admin);
      const live = await browser.get('/admin/logins');
      const end = /action="(\/admin\/logins\/[0-9a-f]{16}\/end)"/.exec(live.body)![1]!;
      expect((await browser.post(end, { csrf: csrfOf(live.body) })).headers.get('location')).to.equal('/admin/logins?m=login_ended');
      expect(bobsSessions(), 'no gateway session made for that login is alive').to.deep.equal([]);
      expect(admin.h.gateway.logouts).to.include('bob');
      expect(admin.h.logs.lines.find((l) => l.event === 'gateway_session_ended')).to.deep.include({ why: 'ended_by_admin' });
    });

    it('lists every action on the home page, newest first, with who did it and from where', async () => {
      const { browser } = await signedIn(admin);
      await act(browser, '/admin/users/bob/confirm/unlock');
      await act(browser, '/admin/users/bob/confirm/browsers-revoke-all');
      const home = await browser.get('/admin');
      const rows = [...home.body.matchAll(/<td data-label="What">([^<]+)<\/td>/g)].map((m) => m[1]);
      expect(rows).to.deep.equal(['browsers revoke', 'unlock']);
      expect(home.body).to.contain('alice (127.0.0.1)');
    });
  });
});
