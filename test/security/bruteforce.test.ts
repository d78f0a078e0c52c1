import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { FakeClock } from '../helpers/clock.js';

const key = (i: number) => `${String(i).padStart(8, '0')}-7777-4e22-8018-e4cf70027375`;

describe('security: brute force is bounded', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('wrong passcodes per user count across logins: the next login is refused before any callout', async () => {
    const clock = new FakeClock();
    h = await startHarness({ limits: { wrongAnswersPerUser: 4 }, login: { maxPasscodeAttempts: 2 } }, { clock });
    const tfa = new AnakamScript();
    for (let i = 0; i < 2; i++) {
      tfa.passcodeSent('alice', key(i)).step(key(i), 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '9' }).step(key(i), 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '9' });
      const browser = h.browser();
      const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
      await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
      const last = await browser.postJson('/mfa/passcode', { passcode: '000001', csrf: started.csrf });
      // The first login runs out of its own attempts; the second spends the user's last wrong answer and locks them.
      expect(last.json().code).to.equal(i === 0 ? 'attempts_exhausted' : 'rate_limited');
    }
    const refused = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(refused.status).to.equal(429);
    expect(refused.json().message).to.include('this account is locked for 15 minutes');
    expect(h.logs.lines.some((l) => l.event === 'login_failed' && l.code === 'rate_limited' && l.limit === 'wrong-user')).to.equal(true);
    tfa.done();
    // The ban is temporary: after the window a login may start again.
    clock.advance(901_000);
    new AnakamScript().passcodeSent('alice', key(9));
    expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().status).to.equal('challenge');
  });

  it('login starts per user are limited, whatever the client address', async () => {
    h = await startHarness({ limits: { loginStartsPerUser: 3 } });
    const tfa = new AnakamScript();
    for (let i = 0; i < 3; i++) tfa.passcodeSent('alice', key(i));
    for (let i = 0; i < 3; i++) expect((await startLogin(h.browser(), 'alice', 'alice-pw')).json().status).to.equal('challenge');
    const fourth = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(fourth.status).to.equal(429);
    expect(fourth.json().code).to.equal('rate_limited');
    tfa.done();
  });

  it('login starts per client address are limited across user names (no passcode flooding)', async () => {
    h = await startHarness({ limits: { loginStartsPerClient: 3 } });
    const tfa = new AnakamScript();
    const users = ['alice', 'bob', 'carol'];
    users.forEach((u, i) => tfa.passcodeSent(u, key(i)));
    for (const user of users) expect((await startLogin(h.browser(), user, 'pw')).json().status).to.equal('challenge');
    const next = await startLogin(h.browser(), 'dave', 'pw');
    expect(next.status).to.equal(429);
    expect(h.logs.lines.some((l) => l.limit === 'starts-client')).to.equal(true);
    tfa.done();
  });

  it('new passcodes per login are limited', async () => {
    h = await startHarness({ limits: { resendsPerLogin: 1 } });
    const tfa = new AnakamScript().passcodeSent('alice', key(1)).step(key(1), 'GET_PARAMS', 'PASSCODE_SENT', { destination: 'a***@example.com' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect((await browser.postJson('/mfa/resend', { csrf: started.csrf })).json().status).to.equal('challenge');
    const second = await browser.postJson('/mfa/resend', { csrf: started.csrf });
    expect(second.status).to.equal(429);
    tfa.done();
  });

  it('the two-factor server\'s own lockout is honoured even when our limits would allow more', async () => {
    h = await startHarness({ login: { maxPasscodeAttempts: 20 } });
    const tfa = new AnakamScript().passcodeSent('alice', key(1)).step(key(1), 'VERIFY_PASSCODE', 'PASSCODE_INVALID', { attemptsRemaining: '0' });
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const reply = await browser.postJson('/mfa/passcode', { passcode: '000000', csrf: started.csrf });
    // The server has no attempt left for the user: locked here too, for the configured window.
    expect(reply.json()).to.include({ code: 'rate_limited', message: 'Too many wrong attempts: this account is locked for 15 minutes. Try again after that, or ask your help desk to unlock it.' });
    tfa.done();
    expect((await startLogin(h.browser(), 'alice', 'alice-pw')).status, 'the next login is refused before any callout').to.equal(429);
  });
});
