import { expect } from 'chai';
import { DeviceStoreError, type DeviceStore } from '../../src/otp/device_store.js';
import { PASSWORDS, addDevice, csrfOf, follow, postPassword, signedIn, signedInWithCode, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp headers, errors and logs', () => {
  let portal: PortalUnderTest;
  afterEach(() => portal.close());

  it('sends factorgate\'s security headers and no-store on pages, redirects and errors', async () => {
    portal = await startPortal();
    const browser = portal.browser();
    const replies = [
      await browser.get('/manageotp'),
      await postPassword(browser, 'alice', PASSWORDS.alice!),
      await browser.post('/manageotp/signin', { username: 'alice', password: 'x' }), // 403
      await browser.get('/manageotp/nothing-here'), // 404
    ];
    expect(replies.map((r) => r.status)).to.deep.equal([200, 303, 403, 404]);
    for (const reply of replies) {
      const csp = reply.headers.get('content-security-policy')!;
      expect(csp).to.include("default-src 'self'").and.include("script-src 'self'").and.include("style-src 'self'")
        .and.include("form-action 'self'").and.include("frame-ancestors 'none'").and.include("img-src 'self' data:");
      expect(reply.headers.get('x-content-type-options')).to.equal('nosniff');
      expect(reply.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
      expect(reply.headers.get('referrer-policy')).to.equal('no-referrer');
      expect(reply.headers.get('cache-control')).to.equal('no-store');
      expect(reply.headers.get('x-powered-by')).to.equal(null);
    }
  });

  it('shows a 503 page when the device store fails, and logs why', async () => {
    portal = await startPortal({
      wrapStore: (store) => new Proxy(store, {
        get: (target, prop: keyof DeviceStore) => (prop === 'list'
          ? async () => { throw new DeviceStoreError('list', 'the database stayed locked'); }
          : typeof target[prop] === 'function' ? (target[prop] as (...a: unknown[]) => unknown).bind(target) : target[prop]),
      }),
    });
    const browser = portal.browser();
    const reply = await postPassword(browser, 'alice', PASSWORDS.alice!);
    expect(reply.status).to.equal(503);
    expect(reply.body).to.include('not available for a moment').and.not.include('locked');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_refused')).to.include({ code: 'store_unavailable', level: 'error' });
  });

  it('never logs a password, a code, a secret, a token or the otpauth link', async () => {
    portal = await startPortal();
    const { secret: oldSecret } = await portal.seedDevice('bob');
    await postPassword(portal.browser(), 'alice', 'wrong-password-shown-nowhere');
    const { browser, page } = await signedIn(portal, 'alice');
    const csrf = csrfOf(page.body);
    const { id, uri, secret } = await addDevice(browser, csrf);
    const wrongCode = portal.totp.codeAt(secret, portal.clock.now() + 20 * 30_000);
    await browser.post(`/manageotp/devices/${id}/confirm`, { code: wrongCode, csrf });
    const code = portal.totp.codeAt(secret, portal.clock.now());
    await follow(browser, await browser.post(`/manageotp/devices/${id}/confirm`, { code, csrf }));
    await browser.post(`/manageotp/devices/${id}/test`, { code, csrf });
    await browser.post(`/manageotp/devices/${id}/rename`, { name: 'renamed', csrf });
    await browser.post(`/manageotp/devices/${id}/remove`, { csrf });
    const bob = await signedInWithCode(portal, oldSecret, 'bob');
    await bob.browser.post('/manageotp/signout', { csrf: csrfOf(bob.page.body) });

    const events = new Set(portal.logs.lines.map((l) => l.event));
    for (const event of ['manageotp_signin', 'manageotp_signin_failed', 'manageotp_device_added', 'manageotp_device_confirmed', 'manageotp_device_confirm_failed', 'manageotp_device_test', 'manageotp_device_renamed', 'manageotp_device_removed', 'manageotp_signout']) {
      expect(events, event).to.include(event);
    }
    const text = portal.logs.text();
    for (const leak of [PASSWORDS.alice!, PASSWORDS.bob!, 'wrong-password-shown-nowhere', secret, oldSecret, uri, 'otpauth', code, wrongCode, csrf,
      (await browser.cookie('fg_manage', '/manageotp'))!]) {
      expect(text).not.to.include(leak);
    }
  });
});
