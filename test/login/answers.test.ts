import { expect } from 'chai';
import type { Config } from '../../src/config/schema.js';
import { FactorgateError } from '../../src/errors.js';
import { checkAnswer, countWrongAnswer } from '../../src/login/answers.js';
import type { LoginRecord } from '../../src/login/record.js';
import type { FactorOutcome, LoginContext, SecondFactorProvider } from '../../src/providers/provider.js';
import { Limits, type LimitsConfig } from '../../src/security/limits.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';

const MAX_PASSCODE_ATTEMPTS = 5;
const LIMITS: LimitsConfig = { windowSeconds: 60, loginStartsPerUser: 10, loginStartsPerClient: 10, wrongAnswersPerUser: 3, pushesPerUser: 5, resendsPerLogin: 3, ipv6PrefixLength: 64 };
const config = { login: { maxPasscodeAttempts: MAX_PASSCODE_ATTEMPTS }, limits: LIMITS } as Config;

const state = {};
const wrong = (extra: Partial<Extract<FactorOutcome, { outcome: 'fail' }>> = {}): FactorOutcome =>
  ({ outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true, ...extra });

describe('the login\'s answers (src/login/answers.ts)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let limits: Limits;

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore(clock);
    limits = new Limits(store, LIMITS, () => clock.now());
  });
  afterEach(() => store.close());

  describe('countWrongAnswer', () => {
    const record = (wrongAnswers = 0) => ({ username: 'alice', clientIp: '192.0.2.7', wrongAnswers }) as LoginRecord;
    const END = { then: 'end' } as const;
    const LOCK = { then: 'lock', lockSeconds: LIMITS.windowSeconds } as const;
    // A user limit far off, so the login's and the server's attempts are the nearest.
    let roomy: Limits;
    beforeEach(() => { roomy = new Limits(store, { ...LIMITS, wrongAnswersPerUser: 50 }); });

    it('counts a wrong passcode, logs it, and asks again with the attempts left', async () => {
      const { logger, lines } = captureLogs();
      const login = record();
      expect(await countWrongAnswer({ config, limits: roomy, logger }, login, wrong())).to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: MAX_PASSCODE_ATTEMPTS - 1, after: END });
      expect(login.wrongAnswers).to.equal(1);
      expect(lines).to.have.length(1);
      expect(lines[0]).to.include({ event: 'passcode_invalid', user: 'alice', clientIp: '192.0.2.7', wrongAnswers: 1, msg: 'wrong passcode' });
    });

    it('asks again with the fewer attempts of the login\'s and the two-factor server\'s, a lock following the server\'s', async () => {
      const { logger } = captureLogs();
      expect(await countWrongAnswer({ config, limits: roomy, logger }, record(), wrong({ attemptsRemaining: 2 })))
        .to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: 2, after: LOCK });
      expect(await countWrongAnswer({ config, limits: roomy, logger }, record(2), wrong({ attemptsRemaining: 4 })))
        .to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: MAX_PASSCODE_ATTEMPTS - 3, after: END });
    });

    it('says a lock of the window\'s length follows when the user\'s wrong answers across logins are the nearest limit', async () => {
      const { logger } = captureLogs();
      await limits.guess('alice', () => Promise.resolve('wrong'), () => true);
      expect(await countWrongAnswer({ config, limits, logger }, record(), wrong({ attemptsRemaining: 9 })))
        .to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: LIMITS.wrongAnswersPerUser - 1, after: LOCK });
    });

    it('refuses as locked, saying for how long, when the wrong answer spent the user\'s last one', async () => {
      const { logger } = captureLogs();
      for (let i = 0; i < LIMITS.wrongAnswersPerUser; i++) await limits.guess('alice', () => Promise.resolve('wrong'), () => true);
      clock.advance(10_000);
      const refused = await countWrongAnswer({ config, limits, logger }, record(), wrong()).then(() => undefined, (err: unknown) => err);
      expect(refused).to.be.instanceOf(FactorgateError).with.property('code', 'rate_limited');
      expect((refused as FactorgateError).extra).to.include({ limit: 'wrong-user', lockedForSeconds: LIMITS.windowSeconds - 10 });
    });

    it('ends the login (no notice) at the last of the login\'s attempts, or when either side has none left', async () => {
      const { logger } = captureLogs();
      const last = record(MAX_PASSCODE_ATTEMPTS - 1);
      expect(await countWrongAnswer({ config, limits: roomy, logger }, last, wrong())).to.equal(undefined);
      expect(last.wrongAnswers).to.equal(MAX_PASSCODE_ATTEMPTS);
      expect(await countWrongAnswer({ config, limits: roomy, logger }, record(), wrong({ attemptsRemaining: 0 }))).to.equal(undefined);
      expect(await countWrongAnswer({ config, limits: roomy, logger }, record(MAX_PASSCODE_ATTEMPTS - 2), wrong())).to.deep.equal({ code: 'passcode_invalid', attemptsRemaining: 1, after: END });
    });

    it('ends the login when the two-factor server allows no retry, though the wrong answer still counts', async () => {
      const { logger, lines } = captureLogs();
      const login = record();
      expect(await countWrongAnswer({ config, limits: roomy, logger }, login, wrong({ canRetry: false, attemptsRemaining: 3 }))).to.equal(undefined);
      expect(login.wrongAnswers).to.equal(1);
      expect(lines.map((line) => line.event)).to.deep.equal(['passcode_invalid']);
    });

    it('counts nothing for an answer that was not wrong: a success, a challenge, or another failure', async () => {
      const { logger, lines } = captureLogs();
      const outcomes: FactorOutcome[] = [
        { outcome: 'success', state },
        { outcome: 'challenge', state, challenge: { kind: 'passcode', channel: 'sms', destination: '***1234' } as never },
        { outcome: 'fail', state, reason: 'passcode_expired', canRetry: true },
        { outcome: 'fail', state, reason: 'locked', canRetry: false },
      ];
      for (const outcome of outcomes) {
        const login = record();
        expect(await countWrongAnswer({ config, limits, logger }, login, outcome), outcome.outcome).to.equal(undefined);
        expect(login.wrongAnswers).to.equal(0);
      }
      expect(lines).to.deep.equal([]);
    });
  });

  describe('checkAnswer', () => {
    const ctx = { username: 'alice' } as LoginContext;
    const answer = { passcode: '123456', rememberDevice: false };
    const providerAnswering = (outcome: FactorOutcome) => {
      const calls: unknown[][] = [];
      const provider = { answer: (...args: unknown[]) => { calls.push(args); return Promise.resolve(outcome); } } as unknown as SecondFactorProvider;
      return { provider, calls };
    };

    it('asks the provider with the login\'s context, state and answer', async () => {
      const { provider, calls } = providerAnswering({ outcome: 'success', state });
      const providerState = { authKey: 'k' };
      expect(await checkAnswer({ limits }, provider, ctx, providerState, answer)).to.deep.equal({ outcome: 'success', state });
      expect(calls).to.deep.equal([[ctx, providerState, answer]]);
    });

    it('spends one of the user\'s wrong answers on a wrong passcode only, and none on anything else', async () => {
      const right = providerAnswering({ outcome: 'success', state }).provider;
      const expired = providerAnswering({ outcome: 'fail', state, reason: 'passcode_expired', canRetry: true }).provider;
      const bad = providerAnswering(wrong()).provider;
      for (let i = 0; i < 5; i++) {
        await checkAnswer({ limits }, right, ctx, state, answer);
        await checkAnswer({ limits }, expired, ctx, state, answer);
      }
      for (let i = 0; i < LIMITS.wrongAnswersPerUser; i++) await checkAnswer({ limits }, bad, ctx, state, answer);
      const { provider, calls } = providerAnswering({ outcome: 'success', state });
      const refused = await checkAnswer({ limits }, provider, ctx, state, answer).then(() => undefined, (err: unknown) => err);
      expect(refused).to.be.instanceOf(FactorgateError).with.property('code', 'rate_limited');
      expect(calls, 'a user with no wrong answer left is never checked').to.deep.equal([]);
      const other = providerAnswering({ outcome: 'success', state });
      await checkAnswer({ limits }, other.provider, { username: 'bob' } as LoginContext, state, answer);
      expect(other.calls, 'the count is the user\'s own').to.have.length(1);
    });

    for (const [what, outcome] of [
      ['LOCKED', { outcome: 'fail', state, reason: 'locked', canRetry: false }],
      ['no attempt left', wrong({ attemptsRemaining: 0, canRetry: false })],
    ] as const) {
      it(`locks the user here for a window when the two-factor server answers ${what}, and says for how long`, async () => {
        const refused = await checkAnswer({ limits }, providerAnswering(outcome).provider, ctx, state, answer).then(() => undefined, (err: unknown) => err);
        expect(refused).to.be.instanceOf(FactorgateError).with.property('code', 'rate_limited');
        expect((refused as FactorgateError).extra).to.include({ limit: 'wrong-user', lockedForSeconds: LIMITS.windowSeconds });
        clock.advance(LIMITS.windowSeconds * 1000 - 1);
        const { provider, calls } = providerAnswering({ outcome: 'success', state });
        await checkAnswer({ limits }, provider, ctx, state, answer).then(() => expect.fail('a locked user was checked'), () => undefined);
        expect(calls).to.deep.equal([]);
        clock.advance(1);
        expect(await checkAnswer({ limits }, provider, ctx, state, answer)).to.deep.equal({ outcome: 'success', state });
      });
    }
  });
});
