import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { TestBrowser } from '../helpers/browser.js';
import { FakeClock } from '../helpers/clock.js';
import { withAlteredSignature } from '../helpers/tamper.js';
import { Keyring } from '../../src/security/keyring.js';
import { HANDLE_PURPOSE } from '../../src/login/handle.js';

const KEY = 'dddddddd-4444-4e22-8018-e4cf70027375';

/** The attacker's view after each attempt: refused, nobody logged in at the gateway. */
function expectRefused(h: Harness, reply: { status: number; json(): any }, code = 'no_login') {
  expect(reply.status).to.be.within(400, 499);
  expect(reply.json().code).to.equal(code);
  expect(h.gateway.logins).to.have.length(0);
}

describe('security: no way past the second factor with someone else\'s or a stale handle', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('a handle copied into another browser can neither read the CSRF token nor answer', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const victim = h.browser();
    const started = (await startLogin(victim, 'alice', 'alice-pw')).json();
    const stolen = await victim.cookie('authkey');
    const attacker = new TestBrowser(h.fg.url);
    await attacker.jar.setCookie(`authkey=${stolen}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const page = await attacker.get('/mfa/passcode', { 'User-Agent': 'attacker-browser' });
    expect(page.body).not.to.include(started.csrf);
    await attacker.jar.setCookie(`authkey=${stolen}; Path=/mfa`, `${h.fg.url}/mfa/`); // the refusal cleared it
    const answer = await attacker.request('POST', '/mfa/passcode', new URLSearchParams({ passcode: '123456', csrf: started.csrf }).toString(), {
      'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json', 'User-Agent': 'attacker-browser',
    });
    expectRefused(h, answer);
    expect(h.logs.lines.some((l) => l.event === 'handle_other_browser')).to.equal(true);
    // The victim's login is untouched.
    expect((await victim.get('/mfa/passcode')).body).to.include(started.csrf);
    tfa.done();
  });

  it('another user\'s CSRF token does not unlock a handle', async () => {
    h = await startHarness();
    new AnakamScript().passcodeSent('alice', KEY).passcodeSent('bob', 'eeeeeeee-5555-4e22-8018-e4cf70027375');
    const victim = h.browser();
    await startLogin(victim, 'alice', 'alice-pw');
    const attacker = h.browser();
    const own = (await startLogin(attacker, 'bob', 'bob-pw')).json();
    await attacker.jar.setCookie(`authkey=${await victim.cookie('authkey')}; Path=/mfa`, `${h.fg.url}/mfa/`);
    expectRefused(h, await attacker.postJson('/mfa/passcode', { passcode: '123456', csrf: own.csrf }), 'csrf');
  });

  it('a handle used once is dead: replaying it after a finished login is refused', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const handle = await browser.cookie('authkey');
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf })).json().status).to.equal('done');
    await browser.jar.setCookie(`authkey=${handle}; Path=/mfa`, `${h.fg.url}/mfa/`);
    const replay = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    expect(replay.json().code).to.equal('no_login');
    expect(h.gateway.logins).to.have.length(1);
    tfa.done();
  });

  it('a handle past the login deadline is refused, and no callout is made for it', async () => {
    const clock = new FakeClock();
    h = await startHarness({}, { clock });
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    clock.advance(h.config.login.lifetimeSeconds * 1000 + 1000);
    expectRefused(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf }));
    tfa.done(); // no VERIFY_PASSCODE interceptor was set: a callout would have failed the test
  });

  it('an altered or forged handle is refused', async () => {
    h = await startHarness();
    const tfa = new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const handle = (await browser.cookie('authkey'))!;
    const [id, signature] = handle.split('.');
    const forgedWithOtherKey = new Keyring('attacker-secret-attacker-secret-attacker').sign(HANDLE_PURPOSE, id!);
    for (const forged of [`${id}x.${signature}`, withAlteredSignature(handle), `${id}.${signature}!`, id!, forgedWithOtherKey, `${'A'.repeat(43)}.${signature}`]) {
      await browser.jar.setCookie(`authkey=${forged}; Path=/mfa`, `${h.fg.url}/mfa/`);
      expectRefused(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf }));
    }
    tfa.done();
  });

  it('skipping states: no passcode, resend or page without a login in progress', async () => {
    h = await startHarness();
    const browser = h.browser();
    await browser.get('/vpn/index.html');
    expectRefused(h, await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: 'x' }));
    expectRefused(h, await browser.postJson('/mfa/resend', { csrf: 'x' }));
    const page = await browser.get('/mfa/passcode');
    expect(page.status).to.equal(400);
    expect(page.body).to.include('Start again from the login page');
  });

  it('a new login gets a new handle, and the handle of the earlier one dies (no fixation)', async () => {
    h = await startHarness();
    new AnakamScript().passcodeSent('alice', KEY).passcodeSent('alice', 'ffffffff-6666-4e22-8018-e4cf70027375');
    const browser = h.browser();
    const first = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const firstHandle = await browser.cookie('authkey');
    await startLogin(browser, 'alice', 'alice-pw');
    const secondHandle = await browser.cookie('authkey');
    expect(secondHandle).to.be.a('string').and.not.equal(firstHandle);
    await browser.jar.setCookie(`authkey=${firstHandle}; Path=/mfa`, `${h.fg.url}/mfa/`);
    expect((await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: first.csrf })).json().code).to.equal('no_login');
  });

  it('a handle planted before the login (fixation) is not adopted', async () => {
    h = await startHarness();
    new AnakamScript().passcodeSent('alice', KEY);
    const browser = h.browser();
    await browser.jar.setCookie(`authkey=planted.by-attacker; Path=/mfa`, `${h.fg.url}/mfa/`);
    await startLogin(browser, 'alice', 'alice-pw');
    expect(await browser.cookie('authkey')).to.not.equal('planted.by-attacker');
  });
});
