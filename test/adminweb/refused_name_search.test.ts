import { expect } from 'chai';
import { signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// A typed name the user-name rules refuse: the page says why and gives the search box back with
// what was typed in it, as text, so that the help desk corrects it there.

describe('/admin\'s page for a typed name factorgate does not accept', function () {
  this.timeout(30_000);
  let admin: AdminUnderTest;
  beforeEach(async () => { admin = await startAdmin(); });
  afterEach(() => admin.close());

  const search = (browser: Awaited<ReturnType<typeof signedIn>>['browser'], name: string) => browser.get(`/admin/users?name=${encodeURIComponent(name)}`);
  /** The search field's tag on a page. */
  const fieldOf = (page: string) => /<input id="fg-user"[^>]*>/.exec(page)?.[0];

  it('offers the search box holding the name typed, marked wrong and described by the message', async () => {
    const { browser } = await signedIn(admin);
    const page = await search(browser, 'a@b@c');
    expect(page.status).to.equal(400);
    expect(page.body).to.contain('&quot;a@b@c&quot; is not a user name factorgate accepts').and.contain('role="search"');
    expect(fieldOf(page.body)).to.equal('<input id="fg-user" name="name" maxlength="256" required autocomplete="off" value="a@b@c" autofocus aria-invalid="true" aria-describedby="fg-error">');
    expect(page.body).to.contain('<p class="fg-message" role="alert" id="fg-error">');
    // The corrected name, sent from that box, finds the user.
    const found = await search(browser, 'bob');
    expect(found.headers.get('location')).to.equal('/admin/users/bob');
  });

  it('gives markup typed back as text, in the field and in the message', async () => {
    const { browser } = await signedIn(admin);
    const hostile = '"><script>alert(1)</script>@x@y';
    const page = await search(browser, hostile);
    expect(page.status).to.equal(400);
    expect(page.body).not.to.contain('<script>alert(1)');
    expect(fieldOf(page.body)).to.contain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;@x@y"');
  });

  it('the search box elsewhere starts empty', async () => {
    const { browser, home } = await signedIn(admin);
    expect(fieldOf(home.body)).to.equal('<input id="fg-user" name="name" maxlength="256" required autocomplete="off">');
    expect(fieldOf((await browser.get('/admin/nothing')).body)).to.equal('<input id="fg-user" name="name" maxlength="256" required autocomplete="off">');
  });
});
