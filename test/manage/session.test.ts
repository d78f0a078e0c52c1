import { expect } from 'chai';
import { SESSION_TTL_MS } from '../../src/manage/deps.js';
import { PASSWORDS, csrfOf, follow, postPassword, signedIn, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp sessions', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => {
    portal = await startPortal();
  });
  afterEach(() => portal.close());

  it('sets a signed, HttpOnly, SameSite session cookie scoped to /manageotp', async () => {
    const browser = portal.browser();
    const reply = await postPassword(browser, 'alice', PASSWORDS.alice!);
    const cookie = reply.setCookies.filter((c) => c.startsWith('fg_manage=')).at(-1)!;
    expect(cookie).to.match(/^fg_manage=[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}; Max-Age=600; Path=\/manageotp; Expires=[^;]+; HttpOnly; SameSite=Lax$/);
  });

  it('ends after ten minutes however busy it is: then back to sign-in', async () => {
    const { browser, page } = await signedIn(portal);
    portal.clock.advance(SESSION_TTL_MS - 1000);
    expect((await browser.get('/manageotp')).body).to.include('Signed in as');
    portal.clock.advance(1000);
    const expired = await browser.get('/manageotp');
    expect(expired.body).to.include('action="/manageotp/signin"').and.not.include('Signed in as');
    const post = await browser.post('/manageotp/devices', { name: 'late', csrf: csrfOf(page.body) });
    expect(post.status).to.equal(303);
    expect(post.headers.get('location')).to.equal('/manageotp?m=session_expired');
    expect((await follow(browser, post)).body).to.include('Your session has ended');
    expect(await portal.store.list('alice')).to.deep.equal([]);
  });

  it('signs out: the old cookie, replayed, opens nothing', async () => {
    const { browser, page } = await signedIn(portal);
    const stolen = await browser.cookie('fg_manage', '/manageotp');
    const out = await browser.post('/manageotp/signout', { csrf: csrfOf(page.body) });
    expect(out.headers.get('location')).to.equal('/manageotp?m=signed_out');
    expect(out.setCookies.some((c) => /^fg_manage=;.*Expires=Thu, 01 Jan 1970/.test(c))).to.equal(true);
    expect((await follow(browser, out)).body).to.include('You have signed out.');
    const replay = await portal.browser().get('/manageotp', { Cookie: `fg_manage=${stolen}` });
    expect(replay.body).to.include('action="/manageotp/signin"').and.not.include('Signed in as');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_signout')).to.include({ user: 'alice' });
  });

  it('ignores a session cookie it did not sign', async () => {
    await signedIn(portal);
    const forged = await portal.browser().get('/manageotp', { Cookie: 'fg_manage=abc.def' });
    expect(forged.body).to.include('action="/manageotp/signin"');
  });

  it('shows only known message codes, never what the query says', async () => {
    const page = await portal.browser().get('/manageotp?m=%3Cscript%3Ealert(1)%3C/script%3E');
    expect(page.body).not.to.include('alert(1)');
    const known = await portal.browser().get('/manageotp?m=toString');
    expect(known.status).to.equal(200);
    expect(known.body).not.to.include('role="alert"');
  });
});
