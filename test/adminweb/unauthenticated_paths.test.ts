import { expect } from 'chai';
import { TestBrowser } from '../helpers/browser.js';
import { follow, postPassword, signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// Whoever is not signed in to /admin is sent to its sign-in from any /admin address, one it has
// or not; "Your administrator session has ended" is said only to a browser that brought a session
// cookie. "There is nothing here", with its search, is for signed-in administrators alone.

const IDLE_MS = 15 * 60_000;
const ENDED = 'Your administrator session has ended';

describe('/admin for a visitor who is not signed in', function () {
  this.timeout(30_000);
  let admin: AdminUnderTest;
  beforeEach(async () => { admin = await startAdmin(); });
  afterEach(() => admin.close());

  it('sends a first visit of any /admin address, one it has or not, to the sign-in page, with no notice of an ended session', async () => {
    const browser = new TestBrowser(admin.h.url);
    const visits: Array<['get' | 'post', string]> = [
      ['get', '/admin/nothing'], ['get', '/admin/users/Bob'], ['get', '/admin/no/such/page'], ['get', '/admin/logins'], ['get', '/admin/users/bob'],
      ['post', '/admin/nothing'], ['post', '/admin/code'], ['post', '/admin/logins/0123456789abcdef/end'],
    ];
    for (const [method, path] of visits) {
      const reply = method === 'get' ? await browser.get(path) : await browser.post(path, {});
      expect(reply.status, `${method} ${path}`).to.equal(303);
      expect(reply.headers.get('location'), `${method} ${path}`).to.equal('/admin');
    }
    const page = await browser.get('/admin');
    expect(page.body).to.contain('action="/admin/signin"').and.not.contain(ENDED).and.not.contain('role="search"');
  });

  it('the passkey steps send a visitor to the sign-in as well, and do not tell whether passkeys are on', async () => {
    const browser = new TestBrowser(admin.h.url);
    for (const path of ['/admin/passkey/options', '/admin/passkey']) {
      const reply = await browser.post(path, {}, { Accept: 'application/json' });
      expect(reply.status, path).to.equal(200);
      expect(reply.json(), path).to.deep.equal({ location: '/admin' });
    }
  });

  it('sends a browser still owing its code to the code step, not to "nothing here"', async () => {
    const browser = admin.h.browser();
    expect((await follow(browser, await postPassword(browser, 'alice', 'alice-pw'))).body).to.contain('Enter a code from your app');
    const reply = await browser.get('/admin/nothing');
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/admin');
    expect((await follow(browser, reply)).body).to.contain('Enter a code from your app').and.not.contain('There is nothing here');
  });

  it('tells a browser whose session ended that it has, at an address /admin has or not', async () => {
    const { browser } = await signedIn(admin);
    admin.clock.advance(IDLE_MS);
    const unknown = await browser.get('/admin/nothing');
    expect(unknown.status).to.equal(303);
    expect(unknown.headers.get('location')).to.equal('/admin?m=session_expired');
    expect((await follow(browser, unknown)).body).to.contain(ENDED).and.contain('action="/admin/signin"');
    // Its cookie is cleared with the first refusal: the next address is a first visit.
    expect((await browser.get('/admin/logins')).headers.get('location')).to.equal('/admin');
  });

  it('a cookie /admin never signed is no session that ended', async () => {
    const reply = await new TestBrowser(admin.h.url).get('/admin/logins', { Cookie: 'fg_admin=forged.value' });
    expect(reply.headers.get('location')).to.equal('/admin');
  });

  it('keeps "There is nothing here", with the search, for a signed-in administrator', async () => {
    const { browser } = await signedIn(admin);
    const page = await browser.get('/admin/nothing');
    expect(page.status).to.equal(404);
    expect(page.body).to.contain('There is nothing here').and.contain('role="search"');
  });
});
