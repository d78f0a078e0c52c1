import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { rememberDevice } from '../helpers/remembered_device.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { TEST_SECRET } from '../helpers/config.js';
import { Keyring } from '../../src/security/keyring.js';
import { sealDeviceCredential } from '../../src/security/device_credential.js';
import { RememberedBrowsers } from '../../src/security/remembered_browsers.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { RedisStore } from '../../src/state/redis_store.js';
import type { Store } from '../../src/state/store.js';

const SECOND = 'cccccccc-3333-4294-aa6b-558dba0bb3d4';

/** The login's answer to a browser whose remembered device was revoked, whatever store lists it. */
function revocationContract(name: string, open: () => Promise<Store>): void {
  describe(`a revoked remembered browser, listed in ${name}`, () => {
    let h: Harness;
    let browsers: RememberedBrowsers;
    beforeEach(async () => {
      const store = await open();
      h = await startHarness({}, { store });
      browsers = new RememberedBrowsers(store, { maxPerUser: 10, now: Date.now });
    });
    afterEach(async () => { await h.close(); });

    it('is listed once remembered, with the address and browser it signed in from', async () => {
      await rememberDevice(h.browser());
      const listed = await browsers.list('alice');
      expect(listed).to.have.length(1);
      expect(listed[0]).to.deep.include({ user: 'alice', clientIp: '127.0.0.1' });
    });

    it('is asked for a code at its next login, told why: no VERIFY_DEVICE, the cookie dropped, the refusal logged', async () => {
      const browser = h.browser();
      await rememberDevice(browser);
      const [remembered] = await browsers.list('alice');
      expect(await browsers.revoke('alice', remembered!.id)).to.equal(true);
      const tfa = new AnakamScript().passcodeSent('alice', SECOND);
      const reply = await startLogin(browser, 'alice', 'alice-pw');
      expect(reply.json().status).to.equal('challenge');
      expect(reply.json().notice).to.deep.include({ code: 'device_refused', message: 'This browser is no longer remembered, so it is asked for the second step again.' });
      expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
      expect(reply.setCookies.some((c) => c.startsWith('DeviceKey=;'))).to.equal(true);
      expect(h.logs.lines.some((l) => l.event === 'device_cookie_refused' && l.why === 'not_listed' && l.user === 'alice')).to.equal(true);
      tfa.done();
    });

    it('a well-sealed cookie whose id was never listed (one sealed before the list existed) is asked for a code too', async () => {
      const browser = h.browser();
      const unlisted = sealDeviceCredential(new Keyring(TEST_SECRET), 'alice', 'alice-device-key-0001', Date.now() + 3_600_000, 'B'.repeat(22));
      await browser.jar.setCookie(`DeviceKey=${unlisted}; Path=/mfa`, `${h.fg.url}/mfa/`);
      const tfa = new AnakamScript().passcodeSent('alice', SECOND);
      expect((await startLogin(browser, 'alice', 'alice-pw')).json().status).to.equal('challenge');
      expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
      tfa.done();
    });

    it('another user\'s cookie in this browser is dropped without a word: it was never this user\'s to lose', async () => {
      const browser = h.browser();
      const bobs = sealDeviceCredential(new Keyring(TEST_SECRET), 'bob', 'bob-device-key-0001', Date.now() + 3_600_000, 'C'.repeat(22));
      await browser.jar.setCookie(`DeviceKey=${bobs}; Path=/mfa`, `${h.fg.url}/mfa/`);
      const tfa = new AnakamScript().passcodeSent('alice', SECOND);
      const reply = (await startLogin(browser, 'alice', 'alice-pw')).json();
      expect(reply.status).to.equal('challenge');
      expect(reply.notice).to.equal(undefined);
      tfa.done();
    });
  });
}

revocationContract('the memory store', async () => new MemoryStore());

describe('on a real redis-server', () => {
  let server: RedisServer;
  before(async () => { server = await startRedisServer(); });
  after(async () => { await server?.stop(); });
  revocationContract('Redis', async () => {
    const store = new RedisStore({ url: server.url, keyPrefix: `fg-${Math.random().toString(36).slice(2)}:` });
    expect(await store.ready()).to.equal(true);
    return store;
  });
});

describe('a remembered browser the store cannot list', () => {
  let h: Harness;
  afterEach(async () => { await h?.close(); });

  it('still signs the user in, but sets no DeviceKey, and says why in the log', async () => {
    const memory = new MemoryStore();
    // Every store operation works but writing a remembered browser's record.
    const failing: Store = Object.assign(Object.create(memory) as Store, {
      set: <T>(key: string, value: T, ttlMs: number) => (key.startsWith('browser:') ? Promise.reject(new Error('store down')) : memory.set(key, value, ttlMs)),
    });
    h = await startHarness({}, { store: failing });
    const browser = h.browser();
    new AnakamScript()
      .passcodeSent('alice', SECOND)
      .step(SECOND, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'device-key-for-alice-0001', deviceExpires: new Date(Date.now() + 8 * 3_600_000).toISOString() })
      .step(SECOND, 'COMPLETE', 'COMPLETE');
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const done = await browser.postJson('/mfa/passcode', { passcode: '424242', remember: 'on', csrf: started.csrf });
    expect(done.json().status).to.equal('done');
    expect(await browser.cookie('DeviceKey')).to.equal(undefined);
    expect(h.logs.lines.some((l) => l.event === 'remembered_browser_not_recorded' && l.user === 'alice')).to.equal(true);
  });
});
