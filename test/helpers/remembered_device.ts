import { expect } from 'chai';
import { startLogin } from './harness.js';
import { AnakamScript } from './anakam_script.js';
import type { TestBrowser } from './browser.js';

/** The auth key of the login that registers alice's device, and the device key it registers. */
export const REGISTERING_AUTH_KEY = 'aaaaaaaa-1111-4e22-8018-e4cf70027375';
export const ALICE_DEVICE_KEY = 'device-key-for-alice-0001';

/** Logs alice in once with "remember this device", leaving the DeviceKey cookie in the browser. */
export async function rememberDevice(browser: TestBrowser): Promise<void> {
  new AnakamScript()
    .passcodeSent('alice', REGISTERING_AUTH_KEY)
    .step(REGISTERING_AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: ALICE_DEVICE_KEY, deviceExpires: new Date(Date.now() + 8 * 3_600_000).toISOString() })
    .step(REGISTERING_AUTH_KEY, 'COMPLETE', 'COMPLETE');
  const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
  const done = await browser.postJson('/mfa/passcode', { passcode: '424242', remember: 'on', csrf: started.csrf });
  expect(done.json().status).to.equal('done');
  expect(await browser.cookie('DeviceKey')).to.be.a('string');
}
