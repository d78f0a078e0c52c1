import { expect } from 'chai';
import { withoutOwnSetCookies } from '../../src/gateway/own_cookies.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';

// factorgate's own cookies are never set by the gateway: a page behind it (a clientless VPN serves
// any intranet page) could otherwise plant a DeviceKey or a login handle that factorgate reads as
// its own. Every way a gateway answer reaches the browser through factorgate drops them: the
// pass-through, the login page, and the replay's answer.

const OWN = ['authkey', 'DeviceKey', 'fg_csrf'];
const AUTH_KEY = '11f16e1c-ed81-4e22-8018-e4cf70027375';

describe('withoutOwnSetCookies', () => {
  it('drops a line that sets one of the names, however it is spaced or scoped, and keeps every other line as it came', () => {
    const lines = ['authkey=planted; Path=/', ' DeviceKey = x; Path=/mfa; Domain=example.test', 'fg_csrf\t=y', 'keep=1; Path=/; HttpOnly', 'AuthKey=another-name', 'xauthkey=1', 'note=authkey'];
    expect(withoutOwnSetCookies(lines, OWN)).to.deep.equal({
      kept: ['keep=1; Path=/; HttpOnly', 'AuthKey=another-name', 'xauthkey=1', 'note=authkey'],
      dropped: ['authkey', 'DeviceKey', 'fg_csrf'],
    });
  });

  it('drops a line that names one but cannot be read as a cookie at all, since a browser might read it as that cookie', () => {
    expect(withoutOwnSetCookies(['authkey=\u0001bad', 'other=\u0001bad'], OWN)).to.deep.equal({ kept: ['other=\u0001bad'], dropped: ['authkey'] });
  });

  it('keeps a line without a name (a browser reads it as a nameless cookie, which no one reads)', () => {
    expect(withoutOwnSetCookies(['authkey', '=authkey'], OWN)).to.deep.equal({ kept: ['authkey', '=authkey'], dropped: [] });
  });
});

describe('a gateway answer that sets factorgate\'s own cookies', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.gateway.planted.push('authkey=planted-handle; Path=/mfa', 'DeviceKey=planted-device; Path=/', 'fg_csrf=planted-token; Path=/', 'gw_pref=1; Path=/');
  });
  afterEach(async () => { await h.close(); });

  const plantedIn = (lines: string[]) => lines.filter((line) => line.includes('planted-'));

  it('pass-through: only the gateway\'s other cookies reach the browser, and the administrator is told', async () => {
    const reply = await h.browser().get('/echo?q=1');
    expect(reply.setCookies).to.deep.equal(['gw_pref=1; Path=/', 'echo=1; Path=/']);
    const line = h.logs.lines.find((l) => l.event === 'gateway_cookie_dropped');
    expect(line).to.deep.include({ level: 'warn', cookies: ['authkey', 'DeviceKey', 'fg_csrf'], path: '/echo' });
  });

  it('the login page: the form token is factorgate\'s, and the planted one never reaches the browser', async () => {
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    expect(page.status).to.equal(200);
    expect(plantedIn(page.setCookies)).to.deep.equal([]);
    expect(page.setCookies).to.include('gw_pref=1; Path=/');
    expect(await browser.cookie('fg_csrf')).to.be.a('string').and.not.equal('planted-token');
  });

  it('the replay: the gateway\'s session reaches the browser, its planted cookies do not, and the login still succeeds', async () => {
    new AnakamScript()
      .passcodeSent('alice', AUTH_KEY)
      .step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'dev-key-0123456789', deviceExpires: new Date(Date.now() + 3_600_000).toISOString() })
      .step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    await startLogin(browser, 'alice', 'alice-pw', false);
    const dialog = await browser.get('/mfa/passcode');
    const csrf = /name="csrf" value="([^"]+)"/.exec(dialog.body)![1]!;
    const answered = await browser.post('/mfa/passcode', { passcode: '123456', remember: 'on', csrf });
    expect(answered.headers.get('location')).to.equal('/vpn/portal.html');
    expect(plantedIn(answered.setCookies)).to.deep.equal([]);
    expect(answered.setCookies.some((c) => /^NSC_AAAC=[^;]+; Path=\/; HttpOnly$/.test(c))).to.equal(true);
    expect(answered.setCookies).to.include('gw_pref=1; Path=/');
    const device = await browser.cookie('DeviceKey');
    expect(device).to.be.a('string').and.not.equal('planted-device');
    expect((await browser.get('/vpn/portal.html')).body).to.equal('portal of alice');
    expect(h.logs.lines.filter((l) => l.event === 'gateway_cookie_dropped').map((l) => l.path)).to.include('/cgi/login');
  });
});
