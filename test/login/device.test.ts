import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ALICE_DEVICE_KEY as DEVICE, rememberDevice } from '../helpers/remembered_device.js';
import { elementOf } from '../helpers/anakam_replies.js';

const SECOND = 'bbbbbbbb-2222-4294-aa6b-558dba0bb3d4';

describe('login from a remembered device', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  it('skips the passcode: auth key, VERIFY_DEVICE with the device key, COMPLETE, replay', async () => {
    const browser = h.browser();
    await rememberDevice(browser);
    const tfa = new AnakamScript().auth('alice', SECOND).step(SECOND, 'VERIFY_DEVICE', 'AUTHENTICATED').step(SECOND, 'COMPLETE', 'COMPLETE');
    const reply = await startLogin(browser, 'alice', 'alice-pw');
    expect(reply.json()).to.deep.equal({ status: 'done', location: '/vpn/portal.html' });
    expect(elementOf(tfa.bodies[0], 'deviceKey')).to.equal(DEVICE);
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice', 'alice']);
    const audit = h.logs.lines.filter((l) => l.event === 'login_finished').at(-1);
    expect(audit).to.deep.include({ path: 'device', outcome: 'success' });
    tfa.done();
  });

  it('drops a refused device cookie and falls back to the passcode', async () => {
    const browser = h.browser();
    await rememberDevice(browser);
    const tfa = new AnakamScript()
      .auth('alice', SECOND)
      .step(SECOND, 'VERIFY_DEVICE', 'DEVICE_EXPIRED')
      .step(SECOND, 'SELECT_METHOD', 'METHOD_SELECTED')
      .step(SECOND, 'GET_PARAMS', 'PASSCODE_SENT', { destination: 'a***@example.com' });
    const reply = await startLogin(browser, 'alice', 'alice-pw');
    expect(reply.json().status).to.equal('challenge');
    expect(reply.json().notice.code).to.equal('device_refused');
    expect(reply.setCookies.some((c) => /^DeviceKey=;.*Expires=Thu, 01 Jan 1970/.test(c))).to.equal(true);
    expect(await browser.cookie('DeviceKey')).to.equal(undefined);
    tfa.done();
  });

  it('does not use a device cookie issued to another user, and drops it', async () => {
    const browser = h.browser();
    await rememberDevice(browser);
    const tfa = new AnakamScript().passcodeSent('bob', SECOND);
    const reply = await startLogin(browser, 'bob', 'bob-pw');
    expect(reply.json().status).to.equal('challenge');
    expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
    expect(reply.setCookies.some((c) => c.startsWith('DeviceKey=;'))).to.equal(true);
    expect(h.logs.lines.some((l) => l.event === 'device_cookie_refused' && l.why === 'other_user')).to.equal(true);
    tfa.done();
  });

  it('treats a forged device cookie as none: passcode asked, cookie dropped', async () => {
    const browser = h.browser();
    await browser.jar.setCookie('DeviceKey=forged-value; Path=/mfa', `${h.fg.url}/mfa/`);
    const tfa = new AnakamScript().passcodeSent('alice', SECOND);
    const reply = await startLogin(browser, 'alice', 'alice-pw');
    expect(reply.json().status).to.equal('challenge');
    expect(tfa.bodies.some((b) => b.includes('VERIFY_DEVICE'))).to.equal(false);
    expect(reply.setCookies.some((c) => c.startsWith('DeviceKey=;'))).to.equal(true);
    tfa.done();
  });
});
