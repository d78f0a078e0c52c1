import { expect } from 'chai';
import { issueFormToken } from '../../src/security/csrf.js';
import { PASSWORDS, addDevice, csrfOf, signedIn, signedInWithCode, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp CSRF protection', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => {
    portal = await startPortal();
  });
  afterEach(() => portal.close());

  it('refuses a sign-in post without the form token, with another\'s, or with the login form\'s', async () => {
    const browser = portal.browser();
    const page = await browser.get('/manageotp');
    const token = csrfOf(page.body);
    expect(page.setCookies.find((c) => c.startsWith('fg_manage_csrf='))).to.match(/Path=\/manageotp;.*HttpOnly;.*SameSite=Lax/);
    const stranger = portal.browser(); // has no cookie: a cross-site page cannot plant one
    const login = issueFormToken(portal.keyring);
    for (const [who, form] of [
      [browser, { username: 'alice', password: PASSWORDS.alice! }],
      [browser, { username: 'alice', password: PASSWORDS.alice!, csrf: token + 'x' }],
      [stranger, { username: 'alice', password: PASSWORDS.alice!, csrf: token }],
      [browser, { username: 'alice', password: PASSWORDS.alice!, csrf: login }],
    ] as const) {
      const reply = await who.post('/manageotp/signin', form);
      expect(reply.status).to.equal(403);
      expect(reply.body).to.include('did not come from this site');
    }
    expect(portal.passwordChecks).to.have.length(0);
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_refused' && l.code === 'csrf')).to.have.length(4);
  });

  it('keeps the form token a browser holds, so a second open tab can still sign in', async () => {
    const browser = portal.browser();
    const first = csrfOf((await browser.get('/manageotp')).body);
    const second = csrfOf((await browser.get('/manageotp')).body);
    expect(second).to.equal(first);
    expect((await browser.post('/manageotp/signin', { username: 'alice', password: PASSWORDS.alice!, csrf: first })).headers.get('location')).to.equal('/manageotp?m=signed_in');
  });

  it('refuses every signed-in post without the session\'s token, and changes nothing', async () => {
    const { secret } = await portal.seedDevice('alice', 'old phone');
    const [seeded] = await portal.store.list('alice');
    const { browser, page } = await signedInWithCode(portal, secret);
    const good = csrfOf(page.body);
    const { id: pending } = await addDevice(browser, good, 'pending');
    const before = await portal.store.list('alice');
    const posts: Array<[string, Record<string, string>]> = [
      ['/manageotp/devices', { name: 'forged' }],
      [`/manageotp/devices/${pending}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now()) }],
      [`/manageotp/devices/${seeded!.id}/test`, { code: portal.totp.codeAt(secret, portal.clock.now()) }],
      [`/manageotp/devices/${seeded!.id}/rename`, { name: 'forged' }],
      [`/manageotp/devices/${seeded!.id}/remove`, {}],
      ['/manageotp/signout', {}],
    ];
    const otherSession = csrfOf((await signedIn(portal, 'bob')).page.body);
    for (const [path, form] of posts) {
      for (const csrf of [undefined, '', otherSession, good.slice(0, -1)]) {
        const reply = await browser.post(path, csrf === undefined ? form : { ...form, csrf });
        expect(reply.status, `${path} csrf=${csrf}`).to.equal(403);
      }
    }
    expect(await portal.store.list('alice')).to.deep.equal(before);
    expect((await browser.get('/manageotp')).body, 'still signed in').to.include('Signed in as');
  });

  it('refuses the code step of sign-in without the session\'s token', async () => {
    const { secret } = await portal.seedDevice('alice');
    const browser = portal.browser();
    const page = await browser.get('/manageotp');
    await browser.post('/manageotp/signin', { username: 'alice', password: PASSWORDS.alice!, csrf: csrfOf(page.body) });
    const reply = await browser.post('/manageotp/code', { code: portal.totp.codeAt(secret, portal.clock.now()) });
    expect(reply.status).to.equal(403);
    // The code was not even checked, so it is still good.
    expect(await portal.loginCheck('alice', portal.totp.codeAt(secret, portal.clock.now()))).to.have.property('outcome', 'success');
  });
});
