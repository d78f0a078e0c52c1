import { expect } from 'chai';
import QRCode from 'qrcode';
import { openSecret } from '../../src/otp/secrets.js';
import { STEP, addDevice, csrfOf, follow, signedIn, signedInWithCode, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp adding a device', () => {
  let portal: PortalUnderTest;
  beforeEach(async () => {
    portal = await startPortal({ maxDevices: 2 });
  });
  afterEach(() => portal.close());

  it('shows the QR code as inline SVG and the otpauth:// link holding the secret sealed in the store', async () => {
    const { browser, page } = await signedIn(portal);
    const { id, setup, uri, secret } = await addDevice(browser, csrfOf(page.body), 'work phone');
    expect(setup.status).to.equal(200);
    expect(setup.body).to.match(/<figure class="fg-qr"[^>]*><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 \d+ \d+"/);
    expect(setup.body).not.to.match(/<img|<script|style=/);
    expect(uri).to.match(/^otpauth:\/\/totp\/factorgate:alice\?/);
    // The QR code is the library's encoding of exactly the link shown.
    expect(setup.body).to.include((await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })).trim());
    expect(setup.body).to.include(`href="${uri.replaceAll('&', '&amp;')}"`);
    const device = await portal.store.get('alice', id);
    expect(device).to.include({ name: 'work phone', active: false });
    expect(openSecret(portal.keyring, 'alice', id, device!.sealedSecret)).to.equal(secret);
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_device_added')).to.include({ user: 'alice', deviceId: id });
  });

  it('keeps a pending device out of login until its first code; a wrong first code is refused', async () => {
    const { browser, page } = await signedIn(portal);
    const { id, setup, secret } = await addDevice(browser, csrfOf(page.body));
    expect(await portal.loginCheck('alice', portal.totp.codeAt(secret, portal.clock.now()))).to.deep.equal({ outcome: 'fail', reason: 'no_device' });

    const wrong = await browser.post(`/manageotp/devices/${id}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now() + 5 * STEP), csrf: csrfOf(setup.body) });
    expect(wrong.headers.get('location')).to.equal(`/manageotp/devices/${id}?m=confirm_wrong`);
    expect((await portal.store.get('alice', id))!.active).to.equal(false);
    const retry = await follow(browser, wrong);
    expect(retry.body).to.include('That code was not right').and.include('<svg');

    const code = portal.totp.codeAt(secret, portal.clock.now());
    const right = await browser.post(`/manageotp/devices/${id}/confirm`, { code, csrf: csrfOf(retry.body) });
    expect(right.headers.get('location')).to.equal('/manageotp?m=device_confirmed');
    expect((await portal.store.get('alice', id))!.active).to.equal(true);
    expect((await follow(browser, right)).body).to.include('The device is set up').and.include('>active<');
    // The confirming code is spent; the next one logs in.
    expect(await portal.loginCheck('alice', code)).to.deep.equal({ outcome: 'fail', reason: 'reused' });
    portal.clock.advance(STEP);
    expect(await portal.loginCheck('alice', portal.totp.codeAt(secret, portal.clock.now()))).to.have.property('outcome', 'success');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_device_confirmed')).to.include({ user: 'alice', deviceId: id });
  });

  it('never shows the secret again once the device is active, nor to another session', async () => {
    const { browser, page } = await signedIn(portal);
    const { id, setup, secret } = await addDevice(browser, csrfOf(page.body));
    // The same user in another browser (no device active yet: the password is enough).
    const other = (await signedIn(portal)).browser;
    const elsewhere = await other.get(`/manageotp/devices/${id}`);
    expect(elsewhere.body).to.include('setup of this device was not finished').and.not.include(secret).and.not.include('<svg');
    expect(await other.post(`/manageotp/devices/${id}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(elsewhere.body) }))
      .to.have.nested.property('status', 303);
    expect((await portal.store.get('alice', id))!.active, 'only the session that added it confirms it').to.equal(false);

    await browser.post(`/manageotp/devices/${id}/confirm`, { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(setup.body) });
    const after = await browser.get(`/manageotp/devices/${id}`);
    expect(after.body).to.include('Test').and.not.include(secret).and.not.include('otpauth://');
  });

  it('refuses a device past maxDevices with a clear message, and a bad name without echoing it', async () => {
    const { secret } = await portal.seedDevice('alice', 'one');
    await portal.seedDevice('alice', 'two');
    const { browser, page } = await signedInWithCode(portal, secret);
    expect(page.body).to.include('You have 2 of 2 devices allowed');
    const refused = await browser.post('/manageotp/devices', { name: 'three', csrf: csrfOf(page.body) });
    expect(refused.headers.get('location')).to.equal('/manageotp?m=too_many');
    expect((await follow(browser, refused)).body).to.include('as many devices as allowed');
    expect(await portal.store.list('alice')).to.have.length(2);

    const bad = await browser.post('/manageotp/devices', { name: 'x'.repeat(65), csrf: csrfOf(page.body) });
    expect(bad.headers.get('location')).to.equal('/manageotp?m=name_invalid');
    const blank = await browser.post('/manageotp/devices', { name: ' \u0007 ', csrf: csrfOf(page.body) });
    expect(blank.headers.get('location')).to.equal('/manageotp?m=name_invalid');
  });

  it('a new device replaces an unconfirmed one, which may also be removed', async () => {
    const { browser, page } = await signedIn(portal);
    const first = await addDevice(browser, csrfOf(page.body), 'first');
    const second = await addDevice(browser, csrfOf(page.body), 'second');
    expect((await portal.store.list('alice')).map((d) => d.id)).to.deep.equal([second.id]);
    const confirm = await browser.get(`/manageotp/devices/${second.id}/remove`);
    expect(confirm.body).to.include('Remove second?');
    const removed = await browser.post(`/manageotp/devices/${second.id}/remove`, { csrf: csrfOf(confirm.body) });
    expect(removed.headers.get('location')).to.equal('/manageotp?m=removed');
    expect(await portal.store.list('alice')).to.deep.equal([]);
    expect(first.id).not.to.equal(second.id);
  });
});
