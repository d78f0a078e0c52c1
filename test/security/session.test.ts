import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { TestBrowser } from '../helpers/browser.js';

const KEY = '99999999-8888-4e22-8018-e4cf70027375';

describe('security: sessions, CSRF and cookie attributes', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('every /mfa post without its CSRF token is refused with 403 and changes nothing', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    expect((await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw' })).status).to.equal(403);
    expect((await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(page.body) + 'x' })).status).to.equal(403);
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456' })).status).to.equal(403);
    expect((await browser.postJson('/mfa/resend', {})).status).to.equal(403);
    await browser.postJson('/mfa/cancel', {}); // a cancel without the token ends nothing
    expect((await browser.get('/mfa/passcode')).body).to.include(started.csrf);
    expect(h.gateway.logins).to.have.length(0);
    tfa.done();
  });

  it('a cross-site form post to /mfa/login is refused (no token, and SameSite keeps the cookie home)', async () => {
    h = await startHarness();
    const browser = h.browser();
    await browser.get('/vpn/index.html');
    const reply = await browser.request('POST', '/mfa/login', 'login=alice&passwd=alice-pw', { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' });
    expect(reply.status).to.equal(403);
    expect(reply.body).to.include('did not come from this site');
  });

  it('cookies carry Secure when factorgate is told it sits behind TLS', async () => {
    h = await startHarness({ behindTls: true, cookies: { sameSite: 'strict' } });
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'device-key-0123456789', deviceExpires: new Date(Date.now() + 3_600_000).toISOString() }).step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const page = await browser.get('/vpn/index.html');
    const started = await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-pw', fg_csrf: TestBrowser.formToken(page.body) });
    const csrf = started.json().csrf;
    // tough-cookie will not send Secure cookies over http; carry the handle by hand as a TLS front would.
    const handle = /authkey=([^;]+)/.exec(started.setCookies.join('\n'))![1];
    const done = await browser.request('POST', '/mfa/passcode', new URLSearchParams({ passcode: '123456', remember: 'on', csrf }).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', Cookie: `authkey=${handle}`,
    });
    const all = [...page.setCookies, ...started.setCookies, ...done.setCookies].filter((c) => /^(authkey|DeviceKey|fg_csrf)=/.test(c));
    expect(all.length).to.be.greaterThanOrEqual(4);
    // The form token is also kept under the login page's own path, for the next login page to reuse.
    for (const cookie of all) expect(cookie).to.match(/; Path=(\/mfa|\/vpn\/index\.html);.*HttpOnly; Secure; SameSite=Strict$/);
    expect(all.filter((c) => /^fg_csrf=.*Path=\/vpn\/index\.html;/.test(c))).to.have.length(1);
    tfa.done();
  });

  it('factorgate\'s pages carry security headers (CSP, frame, sniffing, referrer)', async () => {
    h = await startHarness();
    const reply = await h.browser().get('/mfa/passcode');
    expect(reply.headers.get('content-security-policy')).to.include("default-src 'self'").and.include("frame-ancestors 'none'");
    expect(reply.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(reply.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
    expect(reply.headers.get('referrer-policy')).to.equal('no-referrer');
    expect(reply.headers.get('cache-control')).to.equal('no-store');
    expect(reply.headers.get('x-powered-by')).to.equal(null);
  });
});
