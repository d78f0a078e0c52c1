import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { Keyring } from '../../src/security/keyring.js';
import { sealDeviceCredential } from '../../src/security/device_credential.js';
import { GatewayReplayer } from '../../src/gateway/replay.js';
import { TEST_SECRET } from '../helpers/config.js';

const KEY = '12121212-9999-4e22-8018-e4cf70027375';

describe('security: remembered devices and where the browser is sent', () => {
  let h: Harness;
  afterEach(async () => { await h?.close(); });

  it('a DeviceKey issued to alice does not skip the passcode for bob', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('bob', KEY);
    const browser = h.browser();
    const alices = sealDeviceCredential(new Keyring(TEST_SECRET), 'alice', 'alice-device-key-0001', Date.now() + 3_600_000, 'A'.repeat(22));
    await browser.jar.setCookie(`DeviceKey=${alices}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const reply = await startLogin(browser, 'bob', 'bob-pw');
    expect(reply.json().status).to.equal('challenge');
    expect(tfa.bodies.join('')).not.to.include('alice-device-key-0001');
    tfa.done();
  });

  it('an altered DeviceKey (one character changed) is refused and dropped', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    const genuine = sealDeviceCredential(new Keyring(TEST_SECRET), 'alice', 'alice-device-key-0001', Date.now() + 3_600_000, 'A'.repeat(22));
    const altered = genuine.slice(0, 20) + (genuine[20] === 'A' ? 'B' : 'A') + genuine.slice(21);
    await browser.jar.setCookie(`DeviceKey=${altered}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const reply = await startLogin(browser, 'alice', 'alice-pw');
    expect(reply.json().status).to.equal('challenge');
    expect(reply.setCookies.some((c) => c.startsWith('DeviceKey=;'))).to.equal(true);
    expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
    tfa.done();
  });

  it('a DeviceKey forged with another secret, or past its expiry, is refused', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY).passcodeSent('alice', '34343434-9999-4e22-8018-e4cf70027375');
    for (const cookie of [
      sealDeviceCredential(new Keyring('attacker-secret-attacker-secret-attacker'), 'alice', 'k-0123456789', Date.now() + 3_600_000, 'A'.repeat(22)),
      sealDeviceCredential(new Keyring(TEST_SECRET), 'alice', 'k-0123456789', Date.now() - 1000, 'A'.repeat(22)),
    ]) {
      const browser = h.browser();
      await browser.jar.setCookie(`DeviceKey=${cookie}; Path=/mfa`, `${h.fg.url}/mfa/`);
      expect((await startLogin(browser, 'alice', 'alice-pw')).json().status).to.equal('challenge');
    }
    expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
    tfa.done();
  });

  it('after the replay the browser goes only to a path on this origin, whatever Location the gateway gave', async () => {
    const locations = ['https://evil.example/steal', '//evil.example/x', '/vpn/portal.html?x=1', 'javascript:alert(1)'];
    const server = createServer((_req, res) => {
      res.writeHead(302, { Location: locations.shift() ?? '/', 'Set-Cookie': 'NSC_AAAC=s1; Path=/' });
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const replayer = new GatewayReplayer({ gatewayUrl: url, loginTarget: '/cgi/login', loginPage: '/vpn/index.html', usernameField: 'login', passwordField: 'passwd', sessionCookie: 'NSC_AAAC', timeoutMs: 2000, sessionCheckPath: '/', logoutPath: '/cgi/logout', ownCookies: [] });
    try {
      const results = [];
      for (let i = 0; i < 4; i++) results.push((await replayer.replay('alice', 'pw', { ip: '127.0.0.1' })).location);
      expect(results).to.deep.equal(['/', '/', '/vpn/portal.html?x=1', '/']);
    } finally {
      replayer.close();
      server.close();
    }
  });
});
