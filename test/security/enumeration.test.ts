import { expect } from 'chai';
import nock from 'nock';
import { rmSync } from 'node:fs';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';

// Before the password is known to be right, no answer may depend on who the user is: a name and a
// wrong password must not tell whether that user exists, has an authenticator app, or a push device.

/** What a page or the dialog could tell apart: the status and everything in the JSON but the per-login token. */
function shape(reply: { status: number; json(): Record<string, unknown> }) {
  const { csrf: _csrf, ...rest } = reply.json();
  return { http: reply.status, ...rest };
}

describe('security: no answer depends on the user before the password is checked', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  describe('TOTP without a directory', () => {
    let dir: string;
    let clock: FakeClock;
    beforeEach(async () => {
      clock = new FakeClock();
      let path: string;
      ({ dir, path } = await registeredDevice(clock)); // alice has an app; bob has none; nobody does not exist
      h = await startHarness({ otp: { sqlite: { path } } }, { clock, anakam: false });
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('a name and a wrong password do not tell who has an app: the same code page, and the same "wrong code" after', async () => {
      const seen = [];
      for (const user of ['alice', 'bob', 'nobody']) {
        const browser = h.browser();
        const started = await startLogin(browser, user, 'not-the-password');
        const answered = await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.json().csrf });
        seen.push({ started: shape(started), answered: shape(answered) });
      }
      expect(seen[1]).to.deep.equal(seen[0]);
      expect(seen[2]).to.deep.equal(seen[0]);
      expect(seen[0]!.answered).to.deep.include({ status: 'challenge' });
      expect(h.logs.lines.some((l) => l.event === 'login_failed' && l.code === 'no_otp_device')).to.equal(false);
    });
  });

  describe('push with linotp.otppin 1 (LinOTP checks the password)', () => {
    const push = { linotp: { urls: [LINOTP_URL], otppin: 1 }, providers: { default: 'push' } };

    it('a refused start answers alike for a wrong password, an unknown user and a user without a device', async () => {
      h = await startHarness({ ...push, limits: { wrongAnswersPerUser: 10 } });
      const answers = [];
      for (const user of ['alice', 'nobody', 'bob']) {
        new LinotpScript().pushRefused();
        answers.push(shape(await startLogin(h.browser(), user, 'not-the-password')));
      }
      expect(answers[1]).to.deep.equal(answers[0]);
      expect(answers[2]).to.deep.equal(answers[0]);
      expect(answers[0]).to.include({ http: 403, code: 'push_refused' });
    });

    it('each refused start counts as a guess: past wrongAnswersPerUser the next login is refused before any call to the push server', async () => {
      h = await startHarness({ ...push, limits: { wrongAnswersPerUser: 2 } });
      for (let i = 0; i < 2; i++) {
        new LinotpScript().pushRefused();
        expect((await startLogin(h.browser(), 'alice', 'guess-' + i)).json().code).to.equal('push_refused');
      }
      const untouched = nock(LINOTP_URL).post(/.*/).reply(500);
      const locked = await startLogin(h.browser(), 'alice', 'guess-3');
      expect(locked.status).to.equal(429);
      expect(untouched.isDone(), 'the push server was not asked').to.equal(false);
      nock.cleanAll();
    });
  });
});
