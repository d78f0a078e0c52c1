import { expect } from 'chai';
import { failurePage } from '../../src/http/page.js';
import { withPortalLinks } from '../../src/http/portal_link.js';
import { errorCatalog } from '../../src/errors.js';
import { STEP, addDevice, csrfOf, follow, postPassword, PASSWORDS, signedIn, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

// What the portal's pages say and where they put the user: the key beside the QR code, the focus
// on the field to correct, and /manageotp as a link wherever a page sends the user there.

/** The attributes of the element with this id, as one string. */
const tagOf = (page: string, id: string): string => new RegExp(`<[a-z]+ id="${id}"[^>]*>`).exec(page)?.[0] ?? '';

describe('/manageotp pages', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => {
    portal = await startPortal();
  });
  afterEach(() => portal.close());

  it('the setup page offers "Can\'t scan? Enter this key": the secret in groups of four, each group unbreakable', async () => {
    const { browser, page } = await signedIn(portal);
    const { setup, secret } = await addDevice(browser, csrfOf(page.body));
    expect(setup.body).to.include('Can\'t scan? Enter this key');
    const key = /<code class="fg-key" id="fg-setup-key">(.*?)<\/code>/.exec(setup.body)?.[1];
    const groups = [...(key ?? '').matchAll(/<span>([A-Z2-7]{1,4})<\/span>/g)].map((m) => m[1]);
    expect(groups.join(''), 'the groups spell the secret').to.equal(secret);
    expect(groups.slice(0, -1).every((g) => g!.length === 4)).to.equal(true);
    expect(key, 'groups are separated by a space, where the line may break').to.include('</span> <span>');
  });

  it('after a wrong code, the code field has the focus and names the error; without one it does not', async () => {
    const { browser, page } = await signedIn(portal);
    const { id, setup, secret } = await addDevice(browser, csrfOf(page.body));
    expect(tagOf(setup.body, 'fg-confirm-code')).not.to.include('autofocus');
    const wrong = await follow(browser, await browser.post(`/manageotp/devices/${id}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now() + 5 * STEP), csrf: csrfOf(setup.body) }));
    expect(tagOf(wrong.body, 'fg-confirm-code')).to.include(' autofocus aria-invalid="true" aria-describedby="fg-error"');
    expect(wrong.body).to.include('<p class="fg-message" role="alert" id="fg-error">That code was not right');
    expect(wrong.body.match(/autofocus/g), 'one field has the focus').to.have.length(1);

    await browser.post(`/manageotp/devices/${id}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(setup.body) });
    const testWrong = await follow(browser, await browser.post(`/manageotp/devices/${id}/test`, { code: '000000', csrf: csrfOf(setup.body) }));
    expect(tagOf(testWrong.body, 'fg-test-code')).to.include('autofocus');
    expect(tagOf(testWrong.body, 'fg-rename')).not.to.include('autofocus');
    const badName = await follow(browser, await browser.post(`/manageotp/devices/${id}/rename`, { name: 'a\u0007b', csrf: csrfOf(setup.body) }));
    expect(tagOf(badName.body, 'fg-rename'), 'a refused name puts the focus on the name').to.include('autofocus');
    expect(tagOf(badName.body, 'fg-test-code')).not.to.include('autofocus');
  });

  it('the sign-in code step has the focus on its field, and keeps it after a wrong code', async () => {
    await portal.seedDevice('alice');
    const browser = portal.browser();
    const codePage = await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
    expect(tagOf(codePage.body, 'fg-code')).to.include('autofocus').and.not.include('aria-invalid');
    const again = await follow(browser, await browser.post('/manageotp/code', { code: '000000', csrf: csrfOf(codePage.body) }));
    expect(tagOf(again.body, 'fg-code')).to.include('autofocus aria-invalid="true"');
  });
});

describe('/manageotp error pages: a way back this user can take', () => {
  let portal: PortalUnderTest;
  afterEach(() => portal.close());

  const backLink = (page: string) => /<a class="fg-button" href="([^"]+)">([^<]+)<\/a>/.exec(page)?.slice(1);

  it('before sign-in (a stale form, a lock), back to the sign-in, not to devices they cannot see', async () => {
    portal = await startPortal({ limits: { loginStartsPerClient: 1 } });
    const browser = portal.browser();
    const stale = await browser.post('/manageotp/signin', { username: 'alice', password: PASSWORDS.alice!, csrf: 'not-the-token' });
    expect(stale.status).to.equal(403);
    expect(backLink(stale.body)).to.deep.equal(['/manageotp', 'Back to sign-in']);
    expect(stale.body).not.to.include('your devices');
    await postPassword(portal.browser(), 'bob', 'wrong');
    const limited = await postPassword(portal.browser(), 'alice', PASSWORDS.alice!);
    expect(limited.status).to.equal(429);
    expect(backLink(limited.body)).to.deep.equal(['/manageotp', 'Back to sign-in']);
  });

  it('half signed in (a code still owed), back to the sign-in as well', async () => {
    portal = await startPortal();
    await portal.seedDevice('alice');
    const browser = portal.browser();
    await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
    const missing = await browser.get('/manageotp/no-such-page');
    expect(missing.status).to.equal(404);
    expect(backLink(missing.body)).to.deep.equal(['/manageotp', 'Back to sign-in']);
  });

  it('signed in, back to their devices', async () => {
    portal = await startPortal();
    const { browser } = await signedIn(portal);
    const missing = await browser.get('/manageotp/no-such-page');
    expect(missing.status).to.equal(404);
    expect(backLink(missing.body)).to.deep.equal(['/manageotp', 'Back to your devices']);
    expect(missing.body).to.include('There is nothing here.');
  });
});

describe('/manageotp written as a link', () => {
  it('links each mention, escapes the rest, and leaves longer paths alone', () => {
    expect(withPortalLinks('Add one at /manageotp first.').value).to.equal('Add one at <a href="/manageotp">/manageotp</a> first.');
    expect(withPortalLinks('<b> /manageotp and /manageotp').value).to.equal('&lt;b&gt; <a href="/manageotp">/manageotp</a> and <a href="/manageotp">/manageotp</a>');
    expect(withPortalLinks('see /manageotp/devices or /manageotpx').value).to.equal('see /manageotp/devices or /manageotpx');
  });

  it('on the failure page of a login by a user with no app', () => {
    expect(failurePage('No authenticator app', errorCatalog.no_otp_device.message, '/vpn/index.html')).to.include('Register one at <a href="/manageotp">/manageotp</a>, or ask');
  });
});
