import { expect } from 'chai';
import { STEP, PASSWORDS, csrfOf, follow, postPassword, signedInWithCode, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp limits (the login\'s own budgets)', () => {
  let portal: PortalUnderTest;
  afterEach(() => portal.close());

  it('counts wrong passwords per user: 429 once over, even with the right password', async () => {
    portal = await startPortal({ limits: { wrongAnswersPerUser: 3 } });
    for (let i = 0; i < 3; i++) expect((await postPassword(portal.browser(), 'alice', `wrong-${i}`)).body).to.include('was not accepted');
    const locked = await postPassword(portal.browser(), 'alice', PASSWORDS.alice!);
    expect(locked.status).to.equal(429);
    expect(locked.body).to.include('Too many attempts');
    expect((await postPassword(portal.browser(), 'bob', PASSWORDS.bob!)).status, 'other users are not affected').to.equal(303);
  });

  it('counts sign-ins per client address', async () => {
    portal = await startPortal({ limits: { loginStartsPerClient: 4 } });
    for (const user of ['alice', 'bob', 'carol', 'dave']) expect((await postPassword(portal.browser(), user, 'guess')).body).to.include('was not accepted');
    expect((await postPassword(portal.browser(), 'erin', 'guess')).status).to.equal(429);
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_refused')).to.include({ code: 'rate_limited', limit: 'starts-client' });
  });

  it('counts wrong codes at sign-in like wrong passcodes; a locked user cannot pass even with the right code', async () => {
    portal = await startPortal({ limits: { wrongAnswersPerUser: 3 } });
    const { secret } = await portal.seedDevice('alice');
    const browser = portal.browser();
    const codePage = await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
    const wrong = portal.totp.codeAt(secret, portal.clock.now() + 10 * STEP);
    for (let i = 0; i < 4; i++) {
      const reply = await browser.post('/manageotp/code', { code: wrong, csrf: csrfOf(codePage.body) });
      expect(reply.status, `attempt ${i + 1}`).to.equal(i < 3 ? 303 : 429);
    }
    const right = await browser.post('/manageotp/code', { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(codePage.body) });
    expect(right.status).to.equal(429);
    expect((await browser.get('/manageotp')).body).not.to.include('Signed in as');
  });

  it('counts failed device tests and first codes too', async () => {
    portal = await startPortal({ limits: { wrongAnswersPerUser: 4 } });
    const { id, secret } = await portal.seedDevice('alice');
    const { browser, page } = await signedInWithCode(portal, secret);
    const csrf = csrfOf(page.body);
    const added = await browser.post('/manageotp/devices', { name: 'second', csrf });
    const pending = added.headers.get('location')!;
    const statuses = [];
    for (const path of [`/manageotp/devices/${id}/test`, `${pending}/confirm`, `/manageotp/devices/${id}/test`, `${pending}/confirm`]) {
      statuses.push((await browser.post(path, { code: '000000', csrf })).status);
    }
    expect(statuses).to.deep.equal([303, 303, 303, 303]);
    expect((await browser.post(`/manageotp/devices/${id}/test`, { code: '000000', csrf })).status).to.equal(429);
    const right = await browser.post(`/manageotp/devices/${id}/test`, { code: portal.totp.codeAt(secret, portal.clock.now()), csrf });
    expect(right.status, 'locked: a right code is not even checked').to.equal(429);
    // The counter is the login's own: the next sign-in is refused, as the next login would be.
    expect(await portal.sessions.get<number>('limit:wrong-user:alice')).to.equal(4);
    expect((await postPassword(portal.browser(), 'alice', PASSWORDS.alice!)).status).to.equal(429);
  });
});
