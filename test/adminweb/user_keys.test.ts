import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { confirmPath } from '../../src/adminweb/actions_table.js';
import { userPath } from '../../src/adminweb/web.js';
import { Keyring } from '../../src/security/keyring.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { Totp } from '../../src/otp/totp.js';
import { TEST_SECRET } from '../helpers/config.js';
import { FRONTS } from '../helpers/fronts.js';
import { act, csrfOf, follow, signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// /admin for users whose key holds what paths do not carry plainly ("/", "%", "\", space, "?",
// "#", letters beyond ASCII): a directory's account name becomes a key as it is, and the search
// box takes any name. Each user's page opens through factorgate's front door (and nginx and
// HAProxy running the generated edge configuration), each action is done to that user and no
// other, and an address that is not exactly a key's spelling opens nobody's page.

const KEYS = ['corp/alice', '50%off', 'domain\\bob', 'jean paul', 'q?x', 'h#1', 'zoë', 'a/b', 'a%2fb', 'a'];

type Audited = Record<string, unknown>;
const audited = (admin: AdminUnderTest): Audited[] => readFileSync(admin.auditFile, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Audited);
/** Each key's one app, named after its place in KEYS. */
const deviceName = (key: string) => `phone number ${KEYS.indexOf(key)}`;
/** How a page writes a key in its text. */
const shown = (key: string) => key.replaceAll('&', '&amp;').replaceAll('\'', '&#39;');

async function seedDevices(admin: AdminUnderTest, keys: readonly string[]): Promise<void> {
  const totp = new Totp();
  for (const key of keys) {
    const id = newDeviceId();
    await admin.devices.add(key, { id, name: deviceName(key), sealedSecret: sealSecret(new Keyring(TEST_SECRET), key, id, totp.generateSecret()), active: true });
  }
}

const deviceIdOf = async (admin: AdminUnderTest, key: string) => (await admin.devices.list(key))[0]!.id;

describe('/admin for user keys with characters paths do not carry plainly', function () {
  this.timeout(30_000);
  let running: AdminUnderTest | undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
  });
  /** factorgate with /admin, the KEYS' devices added, and alice signed in to /admin. */
  async function start(overrides: Record<string, unknown> = {}, options: Parameters<typeof startAdmin>[1] = {}, keys: readonly string[] = KEYS) {
    const admin = running = await startAdmin(overrides, options);
    await seedDevices(admin, keys);
    return { admin, ...(await signedIn(admin)) };
  }

  for (const front of FRONTS) {
    it(`opens each user's page, and no one else's, through ${front === 'factorgate' ? 'factorgate\'s front door' : front}`, async () => {
      const { admin, browser } = await start({}, { front });
      for (const key of KEYS) {
        const page = await browser.get(userPath(key));
        expect(page.status, `${key}: ${page.body.slice(0, 300)}`).to.equal(200);
        expect(page.body, key).to.contain(`<h1>User ${shown(key)}</h1>`).and.contain(deviceName(key));
        for (const other of KEYS.filter((k) => k !== key)) expect(page.body, `${key}'s page`).not.to.contain(`>${deviceName(other)}<`);
        expect(page.body, key).to.contain(`href="${confirmPath(key, 'device-remove', await deviceIdOf(admin, key))}"`);
      }
    });
  }

  it('removes the device of the user the page names: a/b\'s, not a%2fb\'s or a\'s, and goes back to a/b\'s page', async () => {
    const { admin, browser } = await start();
    const page = await browser.get('/admin/users/a~2Fb');
    const confirmHref = /href="([^"]+\/confirm\/device-remove\/[^"]+)"/.exec(page.body)![1]!;
    const { confirm, done } = await act(browser, confirmHref);
    expect(confirm.body).to.contain('User <strong>a/b</strong>');
    expect(done.headers.get('location')).to.equal('/admin/users/a~2Fb?m=device_removed');
    expect((await follow(browser, done)).body).to.contain('<h1>User a/b</h1>').and.contain('The device is removed');
    expect(await admin.devices.list('a/b')).to.deep.equal([]);
    for (const other of KEYS.filter((k) => k !== 'a/b')) expect((await admin.devices.list(other)).map((d) => d.name), other).to.deep.equal([deviceName(other)]);
    expect(audited(admin)).to.have.length(1);
    expect(audited(admin)[0]).to.deep.include({ actor: 'alice', action: 'device_remove', user: 'a/b', outcome: 'done' });
  });

  it('issues a recovery code and clears a lock for 50%off and zoë, each audited under that key', async () => {
    const { admin, browser } = await start();
    const issued = (await act(browser, confirmPath('50%off', 'recovery-code'))).done;
    expect(issued.status).to.equal(200);
    expect(issued.body).to.contain('<h1>Recovery code for 50%off</h1>').and.contain('href="/admin/users/50~25off"');
    const cleared = (await act(browser, confirmPath('zoë', 'unlock'))).done;
    expect(cleared.headers.get('location')).to.equal('/admin/users/zo%C3%AB?m=unlocked');
    expect((await follow(browser, cleared)).body).to.contain('<h1>User zoë</h1>');
    expect(audited(admin).map((a) => [a.action, a.user])).to.deep.equal([['recovery_code_issue', '50%off'], ['unlock', 'zoë']]);
  });

  it('acts on a key with a realm separator as it is, never on the user the user-name rules would read it as', async () => {
    // Where users.realms strips "domain", a typed "domain\bob" is bob; a directory's account
    // name "domain\bob" is a key of its own, and its page and actions are that key's.
    const { admin, browser } = await start({ users: { realms: 'strip', realmNames: ['domain'] } }, {}, ['domain\\bob']);
    const page = await browser.get('/admin/users/domain~5Cbob');
    expect(page.status).to.equal(200);
    expect(page.body).to.contain('<h1>User domain\\bob</h1>').and.contain(deviceName('domain\\bob')).and.not.contain('bob&#39;s phone');
    const { done } = await act(browser, confirmPath('domain\\bob', 'browsers-revoke-all'));
    expect(done.headers.get('location')).to.equal('/admin/users/domain~5Cbob?m=browsers_revoked');
    expect(audited(admin)[0]).to.deep.include({ action: 'browsers_revoke', user: 'domain\\bob', browser: 'all' });
  });

  it('finds such users from the search box, under the key the login makes', async () => {
    const { browser } = await start();
    const cases: Array<[string, string, string]> = [['corp/alice', '/admin/users/corp~2Falice', 'corp/alice'], ['50%off', '/admin/users/50~25off', '50%off'], ['Zoë', '/admin/users/zo%C3%AB', 'zoë'], ['Q?X', '/admin/users/q~3Fx', 'q?x']];
    for (const [typed, location, key] of cases) {
      const found = await browser.get(`/admin/users?name=${encodeURIComponent(typed)}`);
      expect(found.headers.get('location'), typed).to.equal(location);
      expect((await follow(browser, found)).body, typed).to.contain(`<h1>User ${key}</h1>`).and.contain(deviceName(key));
    }
  });

  it('opens nobody\'s page, and does nothing, for a tampered or garbled name in the path', async () => {
    const { admin, browser, home } = await start();
    for (const path of ['/admin/users/a~2fb', '/admin/users/~61', '/admin/users/A', '/admin/users/corp~2f', '/admin/users/zo~C3', '/admin/users/Bob', '/admin/users/~62ob']) {
      const page = await browser.get(path);
      expect(page.status, path).to.equal(404);
      expect(page.body, path).to.contain('There is nothing here').and.not.contain('<h1>User');
      expect(page.body, path).not.to.match(/phone number|bob&#39;s phone/);
    }
    const id = await deviceIdOf(admin, 'a/b');
    const posted = await browser.post(`/admin/users/a~2fb/do/device-remove/${id}`, { csrf: csrfOf(home.body) });
    expect(posted.status).to.equal(404);
    expect(await admin.devices.list('a/b')).to.have.length(1);
    expect(audited(admin)).to.deep.equal([]);
    expect(admin.h.logs.lines.filter((l) => l.event === 'admin_refused').at(-1)).to.deep.include({ code: 'not_found', method: 'POST' });
  });
});
