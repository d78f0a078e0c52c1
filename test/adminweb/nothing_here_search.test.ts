import { expect } from 'chai';
import { signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// /admin's "There is nothing here" (an address that names no user, as a hand-typed
// /admin/users/NAME that is not a key) offers the search box, whose name finds the user.

describe('/admin\'s page for an address that names nobody offers the search', function () {
  this.timeout(30_000);
  let admin: AdminUnderTest | undefined;
  afterEach(async () => {
    await admin?.close();
    admin = undefined;
  });

  it('shows the search form on the page for a name that is no key and for a path /admin does not have, and only there', async () => {
    admin = await startAdmin();
    const { browser } = await signedIn(admin);
    for (const path of ['/admin/users/Bob', '/admin/users/corp~2fbob', '/admin/no-such-page']) {
      const page = await browser.get(path);
      expect(page.status, path).to.equal(404);
      expect(page.body, path).to.contain('There is nothing here');
      expect(page.body, path).to.match(/<form method="get" action="\/admin\/users" class="fg-form" role="search">\s*<label for="fg-user">User name<\/label>\s*<input id="fg-user" name="name"/);
    }
    // What the box sends finds the user the address meant.
    const found = await browser.get('/admin/users?name=Bob');
    expect(found.status).to.equal(303);
    expect(found.headers.get('location')).to.equal('/admin/users/bob');
    // Other failures keep their one way back, a button, and no search box (a refused typed name
    // gives the box back filled: refused_name_search.test.ts).
    const refused = await browser.post('/admin/users/bob/do/unlock', { csrf: 'not-the-token' });
    expect(refused.body).to.contain('did not come from this site').and.not.contain('role="search"');
    expect(refused.body).to.contain('<a class="fg-button" href="/admin">Back to administration</a>');
  });
});
