import { expect } from 'chai';
import { STEP, csrfOf, follow, signedInWithCode, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

describe('/manageotp testing, renaming and removing a device', () => {
  let portal: PortalUnderTest;
  let device: { id: string; secret: string };
  beforeEach(async () => {
    portal = await startPortal();
    device = await portal.seedDevice('alice', 'old phone');
  });
  afterEach(() => portal.close());

  it('says a right code works and spends it: neither the test nor login takes it again', async () => {
    const { browser, page } = await signedInWithCode(portal, device.secret);
    const devicePage = await browser.get(`/manageotp/devices/${device.id}`);
    expect(devicePage.body).to.include('<h1>old phone</h1>').and.include(`action="/manageotp/devices/${device.id}/test"`);
    const code = portal.totp.codeAt(device.secret, portal.clock.now());
    const works = await browser.post(`/manageotp/devices/${device.id}/test`, { code, csrf: csrfOf(page.body) });
    expect(works.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=code_works`);
    expect((await follow(browser, works)).body).to.include('That code works.');
    expect((await portal.store.get('alice', device.id))!.lastUsedAt).to.equal(portal.clock.now());

    const again = await browser.post(`/manageotp/devices/${device.id}/test`, { code, csrf: csrfOf(page.body) });
    expect(again.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=code_reused`);
    expect(await portal.loginCheck('alice', code)).to.deep.equal({ outcome: 'fail', reason: 'reused' });
    expect(portal.logs.lines.filter((l) => l.event === 'manageotp_device_test').map((l) => l.outcome)).to.deep.equal(['works', 'reused']);
  });

  it('says a wrong code is not valid', async () => {
    const { browser, page } = await signedInWithCode(portal, device.secret);
    const wrong = await browser.post(`/manageotp/devices/${device.id}/test`, { code: portal.totp.codeAt(device.secret, portal.clock.now() + 10 * STEP), csrf: csrfOf(page.body) });
    expect(wrong.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=code_not_valid`);
    expect((await follow(browser, wrong)).body).to.include('That code is not valid.');
    const typo = await browser.post(`/manageotp/devices/${device.id}/test`, { code: '12ab56', csrf: csrfOf(page.body) });
    expect(typo.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=code_not_valid`);
  });

  it('renames, showing a hostile name as text, never as markup', async () => {
    const { browser, page } = await signedInWithCode(portal, device.secret);
    const hostile = '<img src=x onerror=alert(1)>"\'&';
    const renamed = await browser.post(`/manageotp/devices/${device.id}/rename`, { name: hostile, csrf: csrfOf(page.body) });
    expect(renamed.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=renamed`);
    expect((await portal.store.get('alice', device.id))!.name).to.equal(hostile);
    for (const path of ['/manageotp', `/manageotp/devices/${device.id}`, `/manageotp/devices/${device.id}/remove`]) {
      const shown = await browser.get(path);
      expect(shown.body, path).not.to.include('<img src=x');
      expect(shown.body, path).to.include('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    }
    const refused = await browser.post(`/manageotp/devices/${device.id}/rename`, { name: '', csrf: csrfOf(page.body) });
    expect(refused.headers.get('location')).to.equal(`/manageotp/devices/${device.id}?m=name_invalid`);
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_device_renamed')).to.include({ user: 'alice', deviceId: device.id });
    expect(portal.logs.text()).not.to.include('onerror');
  });

  it('removes after a confirmation page; the device\'s codes no longer sign in', async () => {
    const { browser, page } = await signedInWithCode(portal, device.secret);
    const confirm = await browser.get(`/manageotp/devices/${device.id}/remove`);
    expect(confirm.body).to.include('Remove old phone?').and.include(`action="/manageotp/devices/${device.id}/remove"`);
    const removed = await browser.post(`/manageotp/devices/${device.id}/remove`, { csrf: csrfOf(confirm.body) });
    expect(removed.headers.get('location')).to.equal('/manageotp?m=removed');
    expect(await portal.store.list('alice')).to.deep.equal([]);
    expect(await portal.loginCheck('alice', portal.totp.codeAt(device.secret, portal.clock.now()))).to.deep.equal({ outcome: 'fail', reason: 'no_device' });
    const gone = await browser.get(`/manageotp/devices/${device.id}`);
    expect(gone.headers.get('location')).to.equal('/manageotp?m=no_device');
    expect(portal.logs.lines.find((l) => l.event === 'manageotp_device_removed')).to.include({ user: 'alice', deviceId: device.id });
    expect(csrfOf(page.body)).to.equal(csrfOf(confirm.body));
  });

  it('keeps users apart: another user\'s device id is no device', async () => {
    const bobs = await portal.seedDevice('bob', 'bob phone');
    const { browser, page } = await signedInWithCode(portal, device.secret);
    for (const reply of [
      await browser.get(`/manageotp/devices/${bobs.id}`),
      await browser.post(`/manageotp/devices/${bobs.id}/rename`, { name: 'mine now', csrf: csrfOf(page.body) }),
      await browser.post(`/manageotp/devices/${bobs.id}/remove`, { csrf: csrfOf(page.body) }),
    ]) expect(reply.headers.get('location')).to.equal('/manageotp?m=no_device');
    expect((await portal.store.get('bob', bobs.id))!.name).to.equal('bob phone');
    const malformed = await browser.get('/manageotp/devices/..%2F..%2Fetc');
    expect(malformed.status).to.equal(404);
  });
});
