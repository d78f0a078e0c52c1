import { expect } from 'chai';
import { FactorgateError } from '../../../src/errors.js';
import { Limits, type LimitsConfig } from '../../../src/security/limits.js';
import { MemoryStore } from '../../../src/state/memory_store.js';
import { FakeClock } from '../../helpers/clock.js';

const WINDOW_SECONDS = 60;

async function refusal(attempt: Promise<unknown>): Promise<FactorgateError> {
  try {
    await attempt;
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  expect.fail('the attempt was allowed');
}

describe('limits (src/security/limits.ts)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let limits: Limits;
  const config: LimitsConfig = { windowSeconds: WINDOW_SECONDS, loginStartsPerUser: 3, loginStartsPerClient: 5, wrongAnswersPerUser: 2, pushesPerUser: 2, resendsPerLogin: 3, ipv6PrefixLength: 64 };
  const make = (overrides: Partial<LimitsConfig> = {}) => new Limits(store, { ...config, ...overrides }, () => clock.now());
  const wrong = () => Promise.resolve('wrong');
  const isWrong = (r: string) => r === 'wrong';

  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore(clock);
    limits = make();
  });
  afterEach(() => store.close());

  describe('admitStart', () => {
    it('allows loginStartsPerUser starts of one user and refuses the next with rate_limited starts-user', async () => {
      for (let i = 0; i < 3; i++) await limits.admitStart('alice', `192.0.2.${i}`);
      const error = await refusal(limits.admitStart('alice', '192.0.2.9'));
      expect(error.code).to.equal('rate_limited');
      expect(error.status).to.equal(429);
      expect(error.extra).to.include({ limit: 'starts-user', count: 4 });
      await limits.admitStart('bob', '192.0.2.9');
    });

    it('allows loginStartsPerClient starts from one address and refuses the next with starts-client', async () => {
      for (const user of ['a', 'b', 'c', 'd', 'e']) await limits.admitStart(user, '192.0.2.1');
      const error = await refusal(limits.admitStart('f', '192.0.2.1'));
      expect(error.extra).to.include({ limit: 'starts-client' });
      await limits.admitStart('f', '192.0.2.2');
    });

    it('counts no user for a client already over its limit, so it locks nobody out and leaves nothing per name', async () => {
      for (const user of ['a', 'b', 'c', 'd', 'e']) await limits.admitStart(user, '192.0.2.1');
      const before = store.size;
      for (let i = 0; i < 50; i++) await refusal(limits.admitStart(`victim-${i}`, '192.0.2.1'));
      expect(store.size).to.equal(before);
      expect(await store.get('limit:starts-user:victim-0')).to.equal(undefined);
      await limits.admitStart('victim-0', '192.0.2.2');
    });

    it('refuses a user with no wrong answer left, and lets them in again once the window has passed', async () => {
      for (let i = 0; i < 2; i++) await limits.guess('alice', wrong, isWrong);
      const error = await refusal(limits.admitStart('alice', '192.0.2.1'));
      expect(error.extra).to.include({ limit: 'wrong-user' });
      clock.advance(WINDOW_SECONDS * 1000);
      await limits.admitStart('alice', '192.0.2.1');
    });
  });

  describe('guess', () => {
    it('keeps a wrong guess in the count and gives back a right one', async () => {
      await limits.guess('alice', () => Promise.resolve('right'), isWrong);
      await limits.guess('alice', () => Promise.resolve('right'), isWrong);
      await limits.guess('alice', wrong, isWrong);
      expect(await store.get('limit:wrong-user:alice')).to.equal(1);
      await limits.refuseIfLocked('alice');
      await limits.guess('alice', wrong, isWrong);
      await refusal(limits.refuseIfLocked('alice'));
    });

    it('refuses a guess past the limit without checking it', async () => {
      for (let i = 0; i < 2; i++) await limits.guess('alice', wrong, isWrong);
      let checked = false;
      const error = await refusal(limits.guess('alice', async () => { checked = true; return 'right'; }, isWrong));
      expect(checked).to.equal(false);
      expect(error.extra).to.include({ limit: 'wrong-user' });
      expect(await store.get('limit:wrong-user:alice')).to.equal(2);
    });

    it('checks no more guesses than the limit when they come at once from parallel logins', async () => {
      let checks = 0;
      const slowWrong = async () => {
        checks += 1;
        await new Promise((resolve) => setImmediate(resolve));
        return 'wrong';
      };
      const results = await Promise.allSettled(Array.from({ length: 10 }, () => limits.guess('alice', slowWrong, isWrong)));
      expect(checks).to.equal(2);
      expect(results.filter((r) => r.status === 'rejected')).to.have.length(8);
    });

    it('gives back the guess when the check could not be made (an error is no wrong answer)', async () => {
      const down = () => Promise.reject(new FactorgateError('tfa_unavailable'));
      for (let i = 0; i < 5; i++) expect((await refusal(limits.guess('alice', down, isWrong))).code).to.equal('tfa_unavailable');
      expect(await store.get('limit:wrong-user:alice')).to.equal(0);
    });

    it('counts each user on their own', async () => {
      for (let i = 0; i < 2; i++) await limits.guess('alice', wrong, isWrong);
      await limits.guess('bob', wrong, isWrong);
    });
  });

  describe('admitPush and pushDenied (push fatigue)', () => {
    it('allows pushesPerUser pushes to one user per window, across logins, and refuses the next with pushes-user', async () => {
      await limits.admitPush('alice');
      await limits.admitPush('alice');
      const error = await refusal(limits.admitPush('alice'));
      expect(error.code).to.equal('rate_limited');
      expect(error.extra).to.include({ limit: 'pushes-user', count: 3 });
      await limits.admitPush('bob');
      clock.advance(WINDOW_SECONDS * 1000);
      await limits.admitPush('alice');
    });

    it('counts a denied push as a wrong answer, once per push however often the denial is read', async () => {
      await limits.pushDenied('alice', 'login-1:0');
      await limits.pushDenied('alice', 'login-1:0');
      await limits.refuseIfLocked('alice'); // one wrong answer of two
      await limits.pushDenied('alice', 'login-1:1');
      const error = await refusal(limits.refuseIfLocked('alice'));
      expect(error.extra).to.include({ limit: 'wrong-user' });
      await limits.refuseIfLocked('bob');
    });

    it('counts a denied push with the wrong passcodes: one of each spends a limit of two', async () => {
      await limits.guess('alice', wrong, isWrong);
      await limits.pushDenied('alice', 'login-1:0');
      expect((await refusal(limits.refuseIfLocked('alice'))).extra).to.include({ limit: 'wrong-user', count: 2 });
      expect(await limits.countersOf('alice')).to.include({ wrongAnswers: 2, locked: true });
    });
  });

  describe('countClient', () => {
    it('spends the client\'s budget of starts, shared with admitStart, and refuses past it', async () => {
      for (let i = 0; i < 4; i++) await limits.countClient('192.0.2.1');
      await limits.admitStart('alice', '192.0.2.1');
      const error = await refusal(limits.countClient('192.0.2.1'));
      expect(error.code).to.equal('rate_limited');
      expect(error.message).to.equal('limit starts-client reached');
      expect(error.extra).to.deep.equal({ limit: 'starts-client', count: 6 });
      expect((await refusal(limits.admitStart('bob', '192.0.2.1'))).extra).to.include({ limit: 'starts-client' });
      await limits.countClient('192.0.2.2');
    });
  });

  describe('countersOf and unlock (the administrator\'s view of a user)', () => {
    it('counts each rule of each user on its own, and says locked once the wrong answers or the starts are spent', async () => {
      expect(await limits.countersOf('alice')).to.deep.equal({ wrongAnswers: 0, starts: 0, pushes: 0, locked: false });
      await limits.admitStart('alice', '192.0.2.1');
      await limits.admitStart('alice', '192.0.2.1');
      await limits.admitPush('alice');
      await limits.guess('alice', wrong, isWrong);
      await limits.admitStart('bob', '192.0.2.2');
      expect(await limits.countersOf('alice')).to.deep.equal({ wrongAnswers: 1, starts: 2, pushes: 1, locked: false });
      await limits.guess('alice', wrong, isWrong);
      expect(await limits.countersOf('alice')).to.deep.equal({ wrongAnswers: 2, starts: 2, pushes: 1, locked: true });
      await limits.admitStart('bob', '192.0.2.2');
      expect(await limits.countersOf('bob')).to.deep.equal({ wrongAnswers: 0, starts: 2, pushes: 0, locked: false });
      await limits.admitStart('bob', '192.0.2.2');
      expect(await limits.countersOf('bob')).to.deep.equal({ wrongAnswers: 0, starts: 3, pushes: 0, locked: true });
    });

    it('unlock clears the user\'s wrong answers, starts and pushes, so a locked user may start again, and leaves other users alone', async () => {
      await limits.admitStart('alice', '192.0.2.1');
      await limits.admitPush('alice');
      await limits.guess('alice', wrong, isWrong);
      await limits.guess('alice', wrong, isWrong);
      await limits.admitStart('bob', '192.0.2.2');
      await refusal(limits.admitStart('alice', '192.0.2.1'));
      await limits.unlock('alice');
      expect(await limits.countersOf('alice')).to.deep.equal({ wrongAnswers: 0, starts: 0, pushes: 0, locked: false });
      expect(await limits.countersOf('bob')).to.deep.equal({ wrongAnswers: 0, starts: 1, pushes: 0, locked: false });
      await limits.admitStart('alice', '192.0.2.1');
    });
  });

  describe('refusals say which limit and how far it was reached', () => {
    it('a locked user: the wrong answers counted, at admitStart and at a further guess', async () => {
      for (let i = 0; i < 2; i++) await limits.guess('alice', wrong, isWrong);
      const atStart = await refusal(limits.admitStart('alice', '192.0.2.1'));
      expect(atStart.message).to.equal('user has too many recent wrong answers');
      expect(atStart.extra).to.deep.equal({ limit: 'wrong-user', count: 2, lockedForSeconds: WINDOW_SECONDS });
      const atGuess = await refusal(limits.guess('alice', wrong, isWrong));
      expect(atGuess.message).to.equal('user has too many recent wrong answers');
      expect(atGuess.extra).to.deep.equal({ limit: 'wrong-user', count: 2, lockedForSeconds: WINDOW_SECONDS });
    });
  });

  describe('the lock lasts a whole window from the last wrong answer, and says how long is left', () => {
    it('locks at the last wrong answer of the window for a whole window from then, however late in the window it came', async () => {
      await limits.guess('alice', wrong, isWrong);
      clock.advance((WINDOW_SECONDS - 5) * 1000);
      await limits.guess('alice', wrong, isWrong);
      clock.advance(10_000); // the counter's window is over, the lock is not
      expect((await refusal(limits.admitStart('alice', '192.0.2.1'))).extra).to.include({ lockedForSeconds: WINDOW_SECONDS - 10 });
      expect(await limits.wrongAnswersLeft('alice')).to.equal(0);
      expect((await limits.countersOf('alice')).locked).to.equal(true);
      clock.advance((WINDOW_SECONDS - 10) * 1000);
      await limits.admitStart('alice', '192.0.2.1');
      expect(await limits.wrongAnswersLeft('alice')).to.equal(2);
    });

    it('lock() locks a user with wrong answers left, refuses every guess unchecked, and unlock() clears it', async () => {
      expect(await limits.wrongAnswersLeft('alice')).to.equal(2);
      await limits.lock('alice');
      let checked = false;
      const error = await refusal(limits.guess('alice', async () => { checked = true; return 'right'; }, isWrong));
      expect(checked).to.equal(false);
      expect(error.extra).to.include({ limit: 'wrong-user', lockedForSeconds: WINDOW_SECONDS });
      expect(await limits.wrongAnswersLeft('alice')).to.equal(0);
      await limits.refuseIfLocked('bob');
      await limits.unlock('alice');
      await limits.refuseIfLocked('alice');
      expect(await limits.wrongAnswersLeft('alice')).to.equal(2);
    });

    it('wrong answers that reach the limit without a lock entry (the limit lowered since, or the entry lost) lock all the same, for a whole window', async () => {
      limits = make({ wrongAnswersPerUser: 5 });
      for (let i = 0; i < 2; i++) await limits.guess('alice', wrong, isWrong);
      limits = make(); // two wrong answers per user now: alice has spent them, and holds no lock entry
      expect(await store.get('limit:lock:alice')).to.equal(undefined);
      expect((await refusal(limits.refuseIfLocked('alice'))).extra).to.deep.equal({ limit: 'wrong-user', count: 2, lockedForSeconds: WINDOW_SECONDS });
      let checked = false;
      const atGuess = await refusal(limits.guess('alice', async () => { checked = true; return 'right'; }, isWrong));
      expect(checked).to.equal(false);
      expect(atGuess.extra).to.deep.equal({ limit: 'wrong-user', count: 2, lockedForSeconds: WINDOW_SECONDS });
      expect(await limits.countersOf('alice')).to.deep.equal({ wrongAnswers: 2, starts: 0, pushes: 0, locked: true });
    });

    it('a denied push that spends the last wrong answer locks for a whole window too', async () => {
      await limits.pushDenied('alice', 'p1');
      clock.advance((WINDOW_SECONDS - 1) * 1000);
      await limits.pushDenied('alice', 'p2');
      clock.advance(2000);
      expect((await refusal(limits.refuseIfLocked('alice'))).extra).to.include({ lockedForSeconds: WINDOW_SECONDS - 2 });
    });
  });

  describe('clientKey', () => {
    it('keeps an IPv4 address as it is, and reads one written as IPv6 as that IPv4 address', () => {
      expect(limits.clientKey('192.0.2.7')).to.equal('192.0.2.7');
      expect(limits.clientKey('::ffff:192.0.2.7')).to.equal('192.0.2.7');
    });

    it('counts an IPv6 client by its /64, so one host cannot walk through its own addresses', async () => {
      expect(limits.clientKey('2001:db8:1:2:aaaa:bbbb:cccc:dddd')).to.equal('2001:db8:1:2::/64');
      expect(limits.clientKey('2001:db8:1:2::1')).to.equal(limits.clientKey('2001:db8:1:2:ffff::9'));
      expect(limits.clientKey('2001:db8:1:3::1')).to.not.equal(limits.clientKey('2001:db8:1:2::1'));
      for (let i = 0; i < 5; i++) await limits.admitStart(`u${i}`, `2001:db8:1:2::${i + 1}`);
      const error = await refusal(limits.admitStart('u9', '2001:db8:1:2:dead:beef::1'));
      expect(error.extra).to.include({ limit: 'starts-client' });
    });

    it('follows limits.ipv6PrefixLength', () => {
      expect(make({ ipv6PrefixLength: 48 }).clientKey('2001:db8:1:2::1')).to.equal('2001:db8:1::/48');
      expect(make({ ipv6PrefixLength: 128 }).clientKey('2001:db8:1:2::1')).to.equal('2001:db8:1:2::1/128');
    });

    it('keeps something that is no address as it is, bounded', () => {
      expect(limits.clientKey('unknown')).to.equal('unknown');
      expect(limits.clientKey('x'.repeat(500))).to.have.length(64);
    });
  });
});
