import { expect } from 'chai';
import { rmSync } from 'node:fs';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { Totp } from '../../src/otp/totp.js';

describe('login with a one-time code from an authenticator app (TOTP)', () => {
  let h: Harness;
  let dir: string;
  let clock: FakeClock;
  const totp = new Totp();
  let secret: string;

  beforeEach(async () => {
    clock = new FakeClock();
    let path: string;
    ({ dir, path, secret } = await registeredDevice(clock));
    h = await startHarness({ otp: { enabled: true, sqlite: { path } }, providers: { default: 'totp' }, limits: { wrongAnswersPerUser: 3 } }, { clock });
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for the app\'s code, refuses a wrong one, lets the right one in, and never takes it twice', async () => {
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const prompt = 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.';
    expect(started.challenge).to.deep.equal({
      kind: 'passcode', prompt, canRememberDevice: false, fromApp: true,
      words: { title: 'Enter the code from your authenticator app', label: '6-digit code', intro: prompt },
    });
    const code = totp.codeAt(secret, clock.now());
    const wrong = await browser.postJson('/mfa/passcode', { passcode: code === '000000' ? '111111' : '000000', csrf: started.csrf });
    expect(wrong.json().notice.code).to.equal('code_invalid');
    const done = await browser.postJson('/mfa/passcode', { passcode: code, csrf: started.csrf });
    expect(done.json().status).to.equal('done');

    const again = h.browser();
    const second = (await startLogin(again, 'alice', 'alice-pw')).json();
    const replayed = await again.postJson('/mfa/passcode', { passcode: code, csrf: second.csrf });
    expect(replayed.json().notice.code).to.equal('code_reused');
    // Two of the user's three wrong answers are spent: the next wrong one locks.
    expect(replayed.json().notice.message).to.equal('That code was used already. Wait for the next one. 1 attempt left before a 15-minute lock.');
    expect(h.logs.lines.some((l) => l.event === 'otp_code_reused' && l.user === 'alice')).to.equal(true);
    clock.advance(30_000);
    const next = await again.postJson('/mfa/passcode', { passcode: totp.codeAt(secret, clock.now()), csrf: second.csrf });
    expect(next.json().status).to.equal('done');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice', 'alice']);
  });

  it('a user without a device is asked like everyone (the prompt says where to register one), and no code of theirs passes', async () => {
    const browser = h.browser();
    const started = await startLogin(browser, 'bob', 'bob-pw');
    expect(started.status).to.equal(200);
    expect(started.json().challenge.prompt).to.include('/manageotp');
    const answer = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.json().csrf });
    expect(answer.json().notice.code).to.equal('code_invalid');
  });

  it('no page calls an app\'s code a passcode, and none offers to send one again (glossary: src/http/words.ts)', async () => {
    const visibleText = (page: string) => page.replace(/<[^>]+>/g, ' ');
    const browser = h.browser();
    expect((await startLogin(browser, 'alice', 'alice-pw', false)).headers.get('location')).to.equal('/mfa/passcode');
    const asked = await browser.get('/mfa/passcode');
    expect(visibleText(asked.body)).to.include('Enter the code from your authenticator app').and.not.match(/passcode/i);
    expect(asked.body).to.not.include('action="/mfa/resend"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(asked.body)![1]!;
    const code = totp.codeAt(secret, clock.now());
    const wrong = await browser.post('/mfa/passcode', { passcode: code === '000000' ? '111111' : '000000', csrf });
    const wrongPage = await browser.get(wrong.headers.get('location')!);
    expect(visibleText(wrongPage.body)).to.include('That code was not right.').and.not.match(/passcode/i);
    // The dialog is told the same words, with nothing to send again.
    const json = (await browser.postJson('/mfa/passcode', { passcode: code === '000000' ? '111111' : '000000', csrf })).json();
    expect(JSON.stringify(json.challenge.words)).to.not.match(/passcode/i);
    expect(json.challenge.words).to.not.have.property('resend');
    expect(json.notice.message).to.not.match(/passcode/i);
  });

  it('/manageotp is a link on the code page, and the dialog is told it is served', async () => {
    const browser = h.browser();
    await startLogin(browser, 'bob', 'bob-pw', false);
    const page = (await browser.get('/mfa/passcode')).body;
    expect(page).to.include('No app set up yet? Add one at <a href="/manageotp">/manageotp</a> first.');
    expect(page).to.include('<a href="/manageotp" class="fg-link">Manage your devices at /manageotp</a>');
    expect((await startLogin(h.browser(), 'bob', 'bob-pw')).json().portal).to.equal('/manageotp');
  });

  it('wrong codes count toward the same per-user limit as passcodes', async () => {
    for (let i = 0; i < 3; i++) {
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      await browser.postJson('/mfa/passcode', { passcode: '999999', csrf: started.csrf });
    }
    const refused = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(refused.status).to.equal(429);
  });
});
