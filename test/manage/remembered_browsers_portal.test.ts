import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { rememberDevice } from '../helpers/remembered_device.js';
import type { TestBrowser, Reply } from '../helpers/browser.js';
import { RememberedBrowsers } from '../../src/security/remembered_browsers.js';
import { MemoryStore } from '../../src/state/memory_store.js';

// /manageotp's list of the signed-in user's remembered browsers ("Remember this browser" at
// sign-in), through the whole of factorgate: the login remembers a browser (the two-factor server
// scripted with nock), the portal lists it and forgets it, and the login then asks that browser for
// a code again. Other browsers are put in the same store the running factorgate lists them from.

const SECOND = 'dddddddd-4444-4294-aa6b-558dba0bb3d4';
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const HOUR = 3_600_000;

describe('/manageotp: the user\'s remembered browsers', () => {
  let h: Harness;
  let dir: string;
  let browsers: RememberedBrowsers;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fg-browsers-'));
    const store = new MemoryStore();
    browsers = new RememberedBrowsers(store, { maxPerUser: 10, now: Date.now });
    h = await startHarness({ otp: { enabled: true, sqlite: { path: join(dir, 'devices.sqlite') } } }, { store });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const csrfOf = (page: string): string => /name="csrf" value="([^"]+)"/.exec(page)![1]!;

  /** Signs `user` in at the portal (no app yet: the password is enough) and gives the home page. */
  async function portalHome(browser: TestBrowser, user = 'alice', password = `${user}-pw`): Promise<Reply> {
    const form = await browser.get('/manageotp');
    const signedIn = await browser.post('/manageotp/signin', { username: user, password, csrf: csrfOf(form.body) });
    expect(signedIn.status, signedIn.body.slice(0, 300)).to.equal(303);
    const home = await browser.get(signedIn.headers.get('location')!);
    expect(home.body).to.include('Signed in as');
    return home;
  }

  /** alice's browser remembered at a real login, and the id the portal names it by. */
  async function aliceRemembered(browser: TestBrowser): Promise<{ id: string; cookie: string }> {
    await rememberDevice(browser);
    const [remembered] = await browsers.list('alice');
    return { id: remembered!.id, cookie: (await browser.cookie('DeviceKey'))! };
  }

  /** Another browser of `user`'s, remembered elsewhere. */
  const elsewhere = (user: string, ip: string) => browsers.issue(user, { ip, userAgent: FIREFOX }, Date.now() + 8 * HOUR);

  const rowsOf = (page: string): string[] => [...page.matchAll(/action="\/manageotp\/browsers\/([0-9a-f]+)\/forget"/g)].map((m) => m[1]!);

  /** The next login from a browser that holds `cookie` as its DeviceKey: is a code asked for? */
  async function loginAsksForCode(cookie: string): Promise<boolean> {
    const browser = h.browser();
    await browser.jar.setCookie(`DeviceKey=${cookie}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const tfa = new AnakamScript().passcodeSent('alice', SECOND);
    const reply = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const askedDevice = tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'));
    tfa.done();
    return reply.status === 'challenge' && !askedDevice;
  }

  /** The next login from a browser that holds `cookie`: the device is checked and no code is asked. */
  async function loginSkipsCode(cookie: string): Promise<boolean> {
    const browser = h.browser();
    await browser.jar.setCookie(`DeviceKey=${cookie}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const tfa = new AnakamScript().auth('alice', SECOND).step(SECOND, 'VERIFY_DEVICE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
    const reply = (await startLogin(browser, 'alice', 'alice-pw')).json();
    tfa.done();
    return reply.status === 'done';
  }

  it('lists only the signed-in user\'s own, with what they are and when, and marks the one in use', async () => {
    const browser = h.browser();
    const here = await aliceRemembered(browser);
    // The login leaves its cookie for the portal too, where the portal can read which browser this is.
    expect(await browser.cookie('DeviceKey', '/manageotp')).to.equal(here.cookie);
    const other = await elsewhere('alice', '192.0.2.7');
    const bobs = await elsewhere('bob', '198.51.100.9');

    const home = await portalHome(browser);
    expect(rowsOf(home.body)).to.deep.equal([here.id, other]);
    expect(home.body).to.include('Remembered browsers (2)').and.include('Firefox 128 on Linux').and.include('192.0.2.7').and.include('127.0.0.1');
    expect(home.body).not.to.include(bobs).and.not.to.include('198.51.100.9');
    // "(this browser)" on the row of the browser in use, and on no other.
    const rows = home.body.split('<tr>').filter((row) => row.includes('/browsers/'));
    expect(rows.map((row) => row.includes('(this browser)'))).to.deep.equal([true, false]);
    expect(home.body).to.include('action="/manageotp/browsers/forget-all"');

    // Another browser of alice's, without the cookie: the same list, none marked.
    const second = await portalHome(h.browser());
    expect(rowsOf(second.body)).to.deep.equal([here.id, other]);
    expect(second.body).not.to.include('(this browser)');
  });

  it('with one browser there is no "Forget all"; with none, no list at all', async () => {
    await elsewhere('alice', '192.0.2.7');
    const browser = h.browser();
    const one = await portalHome(browser);
    expect(one.body).to.include('Remembered browsers (1)').and.not.to.include('/browsers/forget-all');
    await browsers.revokeAll('alice');
    expect((await browser.get('/manageotp')).body).not.to.include('Remembered browsers');
  });

  it('forgetting the browser in use: its cookies are dropped, the page says a code comes next, and the login asks this cookie for one', async () => {
    const browser = h.browser();
    const here = await aliceRemembered(browser);
    const other = await elsewhere('alice', '192.0.2.7');
    const home = await portalHome(browser);

    const reply = await browser.post(`/manageotp/browsers/${here.id}/forget`, { csrf: csrfOf(home.body) });
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/manageotp?m=browser_forgotten_here');
    for (const path of ['/mfa', '/manageotp']) {
      expect(reply.setCookies.some((c) => c.startsWith('DeviceKey=;') && c.includes(`Path=${path};`)), path).to.equal(true);
    }
    const after = await browser.get(reply.headers.get('location')!);
    expect(after.body).to.include('Your next sign-in here will ask for a code.');
    expect(rowsOf(after.body)).to.deep.equal([other]);
    expect(await browsers.holds('alice', here.id)).to.equal(false);
    expect(await browsers.holds('alice', other)).to.equal(true);

    const logged = h.logs.lines.filter((l) => l.event === 'manageotp_browser_forgotten');
    expect(logged).to.have.length(1);
    expect(logged[0]).to.deep.include({ user: 'alice', browser: here.id.slice(0, 8), thisBrowser: true });
    expect(h.logs.text()).not.to.include(here.id).and.not.to.include(here.cookie);

    // The cookie as it was, kept by a browser that ignored the expiry: the login asks it for a code.
    expect(await loginAsksForCode(here.cookie)).to.equal(true);
  });

  it('forgetting another of the user\'s browsers leaves this one remembered and its cookie in place', async () => {
    const browser = h.browser();
    const here = await aliceRemembered(browser);
    const other = await elsewhere('alice', '192.0.2.7');
    const home = await portalHome(browser);
    const reply = await browser.post(`/manageotp/browsers/${other}/forget`, { csrf: csrfOf(home.body) });
    expect(reply.headers.get('location')).to.equal('/manageotp?m=browser_forgotten');
    expect(reply.setCookies.filter((c) => c.startsWith('DeviceKey='))).to.deep.equal([]);
    expect((await browser.get(reply.headers.get('location')!)).body).to.include('It will be asked for a code at its next sign-in.');
    expect(await browsers.holds('alice', here.id)).to.equal(true);
    expect(await browsers.holds('alice', other)).to.equal(false);
    expect(h.logs.lines.find((l) => l.event === 'manageotp_browser_forgotten')).to.deep.include({ browser: other.slice(0, 8), thisBrowser: false });
    expect(await loginSkipsCode(here.cookie)).to.equal(true);
  });

  it('refuses an id that is not one of the user\'s (another user\'s, malformed, gone), says so, and changes nothing', async () => {
    const own = await elsewhere('alice', '192.0.2.7');
    const bobs = await elsewhere('bob', '198.51.100.9');
    const browser = h.browser();
    const home = await portalHome(browser);
    const gone = await elsewhere('alice', '192.0.2.8');
    await browsers.revoke('alice', gone);
    for (const id of [bobs, 'not-an-id', 'A'.repeat(32), `${own}0`, gone, '-'.repeat(32), 'f'.repeat(300)]) {
      const reply = await browser.post(`/manageotp/browsers/${id}/forget`, { csrf: csrfOf(home.body) });
      expect(reply.status, id).to.equal(303);
      expect(reply.headers.get('location'), id).to.equal('/manageotp?m=no_browser');
    }
    const page = await browser.get('/manageotp?m=no_browser');
    expect(page.body).to.include('That browser is not among those remembered for you').and.include('Nothing was changed');
    expect(rowsOf(page.body)).to.deep.equal([own]);
    expect(await browsers.holds('bob', bobs)).to.equal(true);
    expect(await browsers.holds('alice', own)).to.equal(true);
    const refused = h.logs.lines.filter((l) => l.event === 'manageotp_browser_refused');
    expect(refused).to.have.length(7);
    expect(refused.map((l) => l.browser)).to.deep.equal([bobs.slice(0, 8), 'malformed', 'malformed', own.slice(0, 8), gone.slice(0, 8), 'malformed', 'ffffffff']);
    expect(refused.every((l) => l.user === 'alice' && l.reason === 'not_found')).to.equal(true);
    expect(h.logs.lines.some((l) => l.event === 'manageotp_browser_forgotten')).to.equal(false);
  });

  it('"Forget all browsers" forgets every one of the user\'s, this one too, and no one else\'s', async () => {
    const browser = h.browser();
    const here = await aliceRemembered(browser);
    await elsewhere('alice', '192.0.2.7');
    const bobs = await elsewhere('bob', '198.51.100.9');
    const home = await portalHome(browser);
    const reply = await browser.post('/manageotp/browsers/forget-all', { csrf: csrfOf(home.body) });
    expect(reply.headers.get('location')).to.equal('/manageotp?m=browsers_forgotten');
    expect(reply.setCookies.filter((c) => c.startsWith('DeviceKey=;'))).to.have.length(2);
    const after = await browser.get(reply.headers.get('location')!);
    expect(after.body).to.include('Every remembered browser was forgotten').and.not.to.include('Remembered browsers (');
    expect(await browsers.list('alice')).to.deep.equal([]);
    expect(await browsers.holds('bob', bobs)).to.equal(true);
    const logged = h.logs.lines.filter((l) => l.event === 'manageotp_browsers_forgotten');
    expect(logged).to.have.length(1);
    expect(logged[0]).to.deep.include({ user: 'alice', forgotten: 2 });
    expect(await loginAsksForCode(here.cookie)).to.equal(true);
  });

  it('needs the session\'s form token and a signed-in session: without either nothing is forgotten', async () => {
    const browser = h.browser();
    const here = await aliceRemembered(browser);
    const other = await elsewhere('alice', '192.0.2.7');
    const home = await portalHome(browser);
    const bobsToken = csrfOf((await portalHome(h.browser(), 'bob')).body);
    for (const path of [`/manageotp/browsers/${other}/forget`, '/manageotp/browsers/forget-all']) {
      for (const csrf of [undefined, '', bobsToken, csrfOf(home.body).slice(0, -1)]) {
        const reply = await browser.post(path, csrf === undefined ? {} : { csrf });
        expect(reply.status, `${path} csrf=${csrf}`).to.equal(403);
      }
      // No session at all (a cross-site post from a browser not signed in): back to the sign-in.
      const stranger = await h.browser().post(path, { csrf: csrfOf(home.body) });
      expect(stranger.headers.get('location'), path).to.equal('/manageotp?m=session_expired');
    }
    expect((await browsers.list('alice')).map((b) => b.id)).to.deep.equal([here.id, other]);
    expect(h.logs.lines.filter((l) => l.event === 'manageotp_refused' && l.code === 'csrf')).to.have.length(8);
  });
});
