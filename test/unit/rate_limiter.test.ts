import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { RateLimiter } from '../../src/security/rate_limiter.js';
import { MemoryStore } from '../../src/state/memory_store.js';

const WINDOW = 60_000;

async function refusal(attempt: Promise<void>): Promise<FactorgateError> {
  try {
    await attempt;
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  expect.fail('the attempt was allowed');
}

describe('rate limiter (src/security/rate_limiter.ts)', () => {
  let t: number;
  let store: MemoryStore;
  let limiter: RateLimiter;
  const rule = (subject: string, max = 3) => ({ name: 'starts-user', max, subject });

  beforeEach(() => {
    t = 5_000_000;
    store = new MemoryStore({ now: () => t });
    limiter = new RateLimiter(store, WINDOW);
  });
  afterEach(async () => {
    await store.close();
  });

  it('allows up to the maximum and refuses the next attempt with rate_limited', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit([rule('alice')]);
    const error = await refusal(limiter.hit([rule('alice')]));
    expect(error.code).to.equal('rate_limited');
    expect(error.status).to.equal(429);
    expect(error.extra).to.include({ limit: 'starts-user', count: 4 });
  });

  it('keeps refusing, counting the refused attempts too', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit([rule('alice')]);
    for (let i = 0; i < 3; i++) await refusal(limiter.hit([rule('alice')]));
    expect(await store.get('limit:starts-user:alice')).to.equal(6);
  });

  it('counts each subject on its own', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit([rule('alice')]);
    await refusal(limiter.hit([rule('alice')]));
    await limiter.hit([rule('bob')]);
  });

  it('counts each rule on its own for the same subject', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit([rule('alice')]);
    await limiter.hit([{ name: 'wrong-user', max: 3, subject: 'alice' }]);
  });

  it('allows again once the window has passed', async () => {
    for (let i = 0; i < 3; i++) await limiter.hit([rule('alice')]);
    t += WINDOW - 1;
    await refusal(limiter.hit([rule('alice')]));
    t += 1;
    await limiter.hit([rule('alice')]);
  });

  it('refuses when any one of several rules is over its maximum', async () => {
    const both = (client: string) => [rule('alice', 10), { name: 'starts-client', max: 1, subject: client }];
    await limiter.hit(both('10.0.0.1'));
    const error = await refusal(limiter.hit(both('10.0.0.1')));
    expect(error.extra).to.include({ limit: 'starts-client' });
  });

  describe('exceeded()', () => {
    const wrong = { name: 'wrong-user', max: 2 };

    it('says no for a subject never seen', async () => {
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(false);
    });

    it('says no below the maximum and yes once the maximum is used up', async () => {
      await limiter.hit([{ ...wrong, subject: 'alice' }]);
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(false);
      await limiter.hit([{ ...wrong, subject: 'alice' }]);
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(true);
      expect(await limiter.exceeded(wrong, 'bob')).to.equal(false);
    });

    it('does not count an attempt itself', async () => {
      for (let i = 0; i < 5; i++) await limiter.exceeded(wrong, 'alice');
      expect(await store.get('limit:wrong-user:alice')).to.equal(undefined);
      await limiter.hit([{ ...wrong, subject: 'alice' }]);
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(false);
    });

    it('says no again once the window has passed', async () => {
      await limiter.hit([{ ...wrong, subject: 'alice' }, { ...wrong, subject: 'alice' }]);
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(true);
      t += WINDOW;
      expect(await limiter.exceeded(wrong, 'alice')).to.equal(false);
    });
  });
});
