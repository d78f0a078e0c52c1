import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { TestBrowser } from '../helpers/browser.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { rmSync } from 'node:fs';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';

describe('security: hostile input is bounded and answered with 4xx', () => {
  let h: Harness;
  beforeEach(async () => { h = await startHarness(); });
  afterEach(async () => { await h.close(); });

  async function formToken(browser: TestBrowser): Promise<string> {
    return TestBrowser.formToken((await browser.get('/vpn/index.html')).body);
  }

  it('markup and control characters in a user name never reach a callout', async () => {
    const scope = nock(ANAKAM_URL).post(/.*/).reply(200, '');
    for (const login of ['al<ice', 'alice&amp;', 'a]]>b', 'ali\u0000ce', 'alice\r\nX-Evil: 1', ' alice', `${'a'.repeat(129)}`]) {
      const reply = await startLogin(h.browser(), login, 'pw');
      expect(reply.status, login).to.equal(400);
      expect(reply.json().code).to.equal('invalid_input');
    }
    expect(scope.isDone()).to.equal(false);
  });

  it('type confusion: arrays and objects for the credentials are refused before any work', async () => {
    const browser = h.browser();
    const token = await formToken(browser);
    const reply = await browser.request('POST', '/mfa/login', JSON.stringify({ login: ['alice'], passwd: { $ne: 1 }, fg_csrf: token }), { 'Content-Type': 'application/json', Accept: 'application/json' });
    expect(reply.status).to.equal(400);
    expect(reply.json().code).to.equal('invalid_input');
  });

  it('an oversized body is answered 413', async () => {
    const browser = h.browser();
    const token = await formToken(browser);
    const reply = await browser.post('/mfa/login', { login: 'alice', passwd: 'x'.repeat(20_000), fg_csrf: token }, { Accept: 'application/json' });
    expect(reply.status).to.equal(413);
  });

  it('malformed JSON, unknown charsets and odd content types are 4xx, never 5xx', async () => {
    const browser = h.browser();
    await formToken(browser);
    const cases: Array<[string, string]> = [
      ['{"login": ', 'application/json'],
      ['login=alice', 'application/x-www-form-urlencoded; charset=klingon'],
      ['<login>alice</login>', 'application/xml'],
      ['login=%E0%A4%A', 'application/x-www-form-urlencoded'],
      ['', 'multipart/form-data; boundary=x'],
    ];
    for (const [body, type] of cases) {
      const reply = await browser.request('POST', '/mfa/login', body, { 'Content-Type': type, Accept: 'application/json' });
      expect(reply.status, `${type}: ${body}`).to.be.within(400, 499);
    }
  });

  it('malformed cookies are ignored, not a crash', async () => {
    const browser = h.browser();
    for (const cookie of ['authkey=%%%; fg_csrf=%E0', '=; ;; authkey', `authkey=${'a'.repeat(5000)}`, 'authkey="unterminated']) {
      const reply = await browser.request('POST', '/mfa/passcode', 'passcode=123456&csrf=x', { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: cookie, Accept: 'application/json' });
      expect(reply.status, cookie).to.be.within(400, 499);
    }
  });

  it('no value from the request is reflected into a header or the passcode page', async () => {
    const browser = h.browser();
    const reply = await browser.get('/mfa/passcode?notice=%3Cscript%3Ealert(1)%3C/script%3E&left=%0d%0aSet-Cookie:x=1');
    expect(reply.body).not.to.include('<script>alert');
    expect(reply.setCookies.some((c) => c.startsWith('x='))).to.equal(false);
  });

  it('a body whose Content-Encoding lies (gzip that is not gzip), or any compressed body, is 4xx with a warning, never 5xx', async () => {
    const browser = h.browser();
    const token = await formToken(browser);
    const { gzipSync } = await import('node:zlib');
    const form = `login=alice&passwd=x&fg_csrf=${token}`;
    for (const [encoding, body] of [['gzip', form], ['gzip', gzipSync(form)], ['deflate', 'not deflate'], ['br', form]] as const) {
      const reply = await fetch(`${h.fg.url}/mfa/login`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': encoding, Accept: 'application/json' } });
      expect(reply.status, encoding).to.be.within(400, 499);
    }
    const refusals = h.logs.lines.filter((l) => l.event === 'request_refused');
    expect(refusals.length).to.be.at.least(4);
    expect(refusals.every((l) => l.level === 40), 'warnings, not errors').to.equal(true);
  });

  it('the same at the /manageotp sign-in', async () => {
    const { dir, path } = await registeredDevice(new FakeClock());
    const portal = await startHarness({ otp: { sqlite: { path } } }, { anakam: false });
    try {
      for (const [encoding, body] of [['gzip', 'username=alice&password=x&csrf=y'], ['deflate', 'x']] as const) {
        const reply = await fetch(`${portal.fg.url}/manageotp/signin`, { method: 'POST', body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Encoding': encoding } });
        expect(reply.status, encoding).to.be.within(400, 499);
      }
      expect(portal.logs.lines.filter((l) => l.event === 'manageotp_refused').every((l) => l.level === 40)).to.equal(true);
    } finally {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a forged post of the login form (no CSRF token) is refused and logged', async () => {
    const reply = await h.browser().post('/mfa/login', { login: 'alice', passwd: 'alice-pw' }, { Accept: 'application/json' });
    expect(reply.status).to.equal(403);
    expect(reply.json().code).to.equal('csrf');
    expect(h.logs.lines.some((l) => l.event === 'request_refused' && l.code === 'csrf' && l.path === '/mfa/login' && l.level === 40)).to.equal(true);
  });
});
