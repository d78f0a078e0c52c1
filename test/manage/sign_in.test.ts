import { expect } from 'chai';
import { PASSWORDS, addDevice, csrfOf, follow, postPassword, signedIn, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp sign-in', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => {
    portal = await startPortal();
  });
  afterEach(() => portal.close());

  it('signs in a user with no device on the right password, and shows an empty device list', async () => {
    const browser = portal.browser();
    const reply = await postPassword(browser, 'alice', PASSWORDS.alice!);
    expect(reply.status).to.equal(303);
    expect(reply.headers.get('location')).to.equal('/manageotp?m=signed_in');
    const page = await follow(browser, reply);
    expect(page.status).to.equal(200);
    expect(page.body).to.include('Signed in as <strong>alice</strong>').and.include('You have no device yet').and.include('action="/manageotp/devices"');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_signin')).to.include({ user: 'alice', secondFactor: false });
  });

  it('gives the same answer for a wrong password and an unknown user: the form again, the name kept', async () => {
    const replies = [];
    for (const [user, password] of [['alice', 'wrong-password'], ['mallory', 'any-password']] as const) {
      const browser = portal.browser();
      const reply = await postPassword(browser, user, password);
      expect(reply.body).to.include(`id="fg-username" name="username" autocomplete="username" maxlength="256" required value="${user}">`);
      replies.push({ status: reply.status, location: reply.headers.get('location'), cookies: reply.setCookies.map((c) => c.split('=')[0]), page: reply.body.replace(/value="[^"]+"/g, '') });
    }
    expect(replies[0]).to.deep.equal(replies[1]);
    expect(replies[0]!.status).to.equal(200);
    expect(replies[0]!.page).to.include('The user name or password was not accepted').and.include('action="/manageotp/signin"');
    // Only the password is typed again: it has the focus, and nothing of it is on the page.
    expect(replies[0]!.page).to.include('type="password" autocomplete="current-password" maxlength="1024" required autofocus>').and.not.include('wrong-password');
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_signin_failed').map((l) => l.reason)).to.deep.equal(['password', 'password']);
  });

  it('echoes a refused name only escaped, and one that could carry markup not at all', async () => {
    const quoted = await postPassword(portal.browser(), "o'brien", 'wrong-password');
    expect(quoted.body).to.include('value="o&#39;brien"').and.not.include("o'brien");
    for (const username of ['"><script>alert(1)</script>', 'a"b', 'a<b', 'a&b']) {
      const reply = await postPassword(portal.browser(), username, 'wrong-password');
      expect(reply.status, username).to.equal(400);
      expect(reply.body, username).not.to.include(username);
    }
    expect(portal.passwordChecks.map((c) => c.username)).to.deep.equal(["o'brien"]);
  });

  it('refuses credentials of the wrong type before asking the directory', async () => {
    const browser = portal.browser();
    const page = await browser.get('/manageotp');
    const reply = await browser.request('POST', '/manageotp/signin', `username[]=alice&password=x&csrf=${encodeURIComponent(csrfOf(page.body))}`, { 'Content-Type': 'application/x-www-form-urlencoded' });
    expect(reply.status).to.equal(400);
    expect(portal.passwordChecks).to.have.length(0);
  });

  describe('a user who already has a device', () => {
    let secret: string;
    beforeEach(async () => {
      ({ secret } = await portal.seedDevice('alice'));
    });

    it('must give a code from it after the password; then sees the devices under a new session id', async () => {
      const browser = portal.browser();
      const reply = await postPassword(browser, 'alice', PASSWORDS.alice!);
      expect(reply.headers.get('location')).to.equal('/manageotp');
      const firstId = await browser.cookie('fg_manage', '/manageotp');
      const codePage = await follow(browser, reply);
      expect(codePage.body).to.include('Enter a code from your device').and.include('action="/manageotp/code"').and.not.include('Signed in as');

      const wrong = await browser.post('/manageotp/code', { code: portal.totp.codeAt(secret, portal.clock.now() + 10 * 30_000), csrf: csrfOf(codePage.body) });
      expect(wrong.headers.get('location')).to.equal('/manageotp?m=signin_code_wrong');
      const again = await follow(browser, wrong);
      expect(again.body).to.include('That code was not right');

      const right = await browser.post('/manageotp/code', { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(again.body) });
      expect(right.headers.get('location')).to.equal('/manageotp?m=signed_in');
      const portalPage = await follow(browser, right);
      expect(portalPage.body).to.include('old phone');
      expect(await browser.cookie('fg_manage', '/manageotp')).to.be.a('string').and.not.equal(firstId);
      expect(portal.logs.lines.find((l) => l.event === 'manageotp_signin')).to.include({ user: 'alice', secondFactor: true });
    });

    it('a stolen password alone cannot add a device, see one, or change one', async () => {
      const browser = portal.browser();
      const codePage = await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
      const csrf = csrfOf(codePage.body); // the thief has the session's own token, even
      const [device] = await portal.store.list('alice');
      const attempts = [
        await browser.post('/manageotp/devices', { name: 'thief phone', csrf }),
        await browser.get(`/manageotp/devices/${device!.id}`),
        await browser.post(`/manageotp/devices/${device!.id}/rename`, { name: 'pwned', csrf }),
        await browser.post(`/manageotp/devices/${device!.id}/remove`, { csrf }),
        await browser.post(`/manageotp/devices/${device!.id}/test`, { code: '123456', csrf }),
      ];
      for (const reply of attempts) {
        expect(reply.status).to.equal(303);
        expect(reply.headers.get('location')).to.equal('/manageotp');
      }
      expect(await portal.store.list('alice')).to.deep.equal([device]);
      // Nor under another spelling of the same directory user.
      const other = portal.browser();
      const upper = await follow(other, await postPassword(other, 'ALICE', PASSWORDS.alice!));
      expect(upper.body).to.include('Enter a code from your device');
      expect(await portal.store.list('ALICE')).to.deep.equal([]);
    });

    it('refuses a code that was used already (at login, or in another session)', async () => {
      const code = portal.totp.codeAt(secret, portal.clock.now());
      expect(await portal.loginCheck('alice', code)).to.have.property('outcome', 'success');
      const browser = portal.browser();
      const codePage = await follow(browser, await postPassword(browser, 'alice', PASSWORDS.alice!));
      const reply = await browser.post('/manageotp/code', { code, csrf: csrfOf(codePage.body) });
      expect(reply.headers.get('location')).to.equal('/manageotp?m=code_reused');
      expect((await follow(browser, reply)).body).to.include('Enter a code from your device');
    });

    it('a pending device does not count: a user whose only device is unconfirmed signs in with the password', async () => {
      const fresh = await startPortal();
      try {
        const { browser, page } = await signedIn(fresh, 'bob');
        await addDevice(browser, csrfOf(page.body));
        const again = fresh.browser();
        const reply = await postPassword(again, 'bob', PASSWORDS.bob!);
        expect(reply.headers.get('location')).to.equal('/manageotp?m=signed_in');
      } finally {
        await fresh.close();
      }
    });
  });
});
