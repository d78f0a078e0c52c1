import { expect } from 'chai';
import { RECENT_SIGN_INS, RecentSignIns } from '../../src/ops/recent_sign_ins.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { OutcomeCounts } from '../../src/ops/outcome_counts.js';
import { FakeClock } from '../helpers/clock.js';
import { readingTogether } from '../helpers/reading_together.js';
import { redisStores } from '../helpers/redis_stores.js';

const finished = (user: string, n: number) => ({ user, outcome: 'success', clientIp: `192.0.2.${n}`, provider: 'totp', flow: 'password>totp', passwordChecked: true, ms: 5, passwd: 'never-kept' });

describe('each user\'s recent sign-ins (src/ops/recent_sign_ins.ts)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let signIns: RecentSignIns;
  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore(clock);
    signIns = new RecentSignIns(store, { keepDays: 30, now: () => clock.now() });
  });
  afterEach(() => store.close());

  it('keeps the last 20, newest first, and only the fields it names', async () => {
    for (let n = 1; n <= 25; n++) {
      await signIns.record(finished('bob', n));
      clock.advance(1000);
    }
    const list = await signIns.of('bob');
    expect(list).to.have.length(RECENT_SIGN_INS);
    expect(list.map((s) => s.clientIp)).to.deep.equal(Array.from({ length: 20 }, (_, i) => `192.0.2.${25 - i}`));
    expect(Object.keys(list[0]!).sort()).to.deep.equal(['at', 'clientIp', 'outcome', 'provider', 'way']);
    expect(await signIns.of('alice')).to.deep.equal([]);
  });

  it('keeps both of two sign-ins of one user that finish at once', async () => {
    await Promise.all([signIns.record(finished('bob', 1)), signIns.record(finished('bob', 2)), signIns.record(finished('alice', 3))]);
    expect((await signIns.of('bob')).map((s) => s.clientIp)).to.have.members(['192.0.2.1', '192.0.2.2']);
    expect(await signIns.of('alice')).to.have.length(1);
  });

  it('forgets them keepDays after they ended, and bounds what a line carries', async () => {
    await signIns.record({ ...finished('bob', 1), outcome: 'Not An Outcome', provider: 'x'.repeat(1000) });
    const [entry] = await signIns.of('bob');
    expect(entry).to.deep.include({ outcome: 'other' });
    expect(entry!.provider).to.have.length(128);
    clock.advance(29 * 86_400_000);
    await signIns.record(finished('bob', 2));
    clock.advance(86_400_000);
    expect((await signIns.of('bob')).map((s) => s.clientIp), 'the first is 30 days old').to.deep.equal(['192.0.2.2']);
  });

  it('ignores a line without a user or an outcome', async () => {
    await signIns.record({ outcome: 'success' });
    await signIns.record({ user: 'bob' });
    expect(await signIns.of('bob')).to.deep.equal([]);
  });

  it('keeps nothing for a name whose password was not proven, unless the sign-in succeeded', async () => {
    await signIns.record({ ...finished('mallory-typed-this', 1), outcome: 'gateway_refused', passwordChecked: false });
    await signIns.record({ ...finished('mallory-typed-this', 2), outcome: 'wrong_code', passwordChecked: undefined });
    expect(await store.keys('', 100), 'nothing stored at all').to.deep.equal([]);
    await signIns.record({ ...finished('bob', 3), outcome: 'success', passwordChecked: false });
    expect(await signIns.of('bob')).to.have.length(1);
  });

  it('a store that cannot keep a line loses that line, says so once, and the next line is kept', async () => {
    const failures: unknown[] = [];
    let refuse = true;
    const flaky = new (class extends MemoryStore {
      override appendBounded<T>(key: string, value: T, max: number, ttlMs: number): Promise<T[]> {
        return refuse ? Promise.reject(new Error('store down')) : super.appendBounded(key, value, max, ttlMs);
      }
    })(clock);
    const list = new RecentSignIns(flaky, { keepDays: 30, now: () => clock.now(), onFailure: (err) => failures.push(err) });
    await list.record(finished('bob', 1));
    expect(failures.map((err) => (err as Error).message)).to.deep.equal(['store down']);
    refuse = false;
    await list.record(finished('bob', 2));
    expect((await list.of('bob')).map((s) => s.clientIp)).to.deep.equal(['192.0.2.2']);
    expect(failures).to.have.length(1);
    await flaky.close();
  });
});

/** Two instances, each with its own client of the shared store, recording the same user's sign-ins. */
function sharedByTwoInstances(name: string, clients: () => Promise<[Store, Store]>): void {
  describe(`recent sign-ins written by two instances sharing ${name}`, () => {
    const options = { keepDays: 30, now: Date.now };
    let first: Store;
    let second: Store;
    beforeEach(async () => { [first, second] = await clients(); });

    it('two sign-ins of one user finishing at the same moment, one on each instance, are both kept', async () => {
      // Both instances read the user's list before either writes: a read-then-write keeps one.
      const [a, b] = readingTogether(first, second);
      await Promise.all([new RecentSignIns(a, options).record(finished('bob', 1)), new RecentSignIns(b, options).record(finished('bob', 2))]);
      expect((await new RecentSignIns(first, options).of('bob')).map((s) => s.clientIp)).to.have.members(['192.0.2.1', '192.0.2.2']);
    });

    it('keeps the last 20 written by either, newest first', async () => {
      for (let n = 1; n <= 25; n++) await new RecentSignIns(n % 2 ? first : second, options).record(finished('bob', n));
      const list = await new RecentSignIns(second, options).of('bob');
      expect(list.map((s) => s.clientIp)).to.deep.equal(Array.from({ length: RECENT_SIGN_INS }, (_, i) => `192.0.2.${25 - i}`));
    });
  });
}

sharedByTwoInstances('one memory store (two workers of one process)', async () => {
  const store = new MemoryStore();
  return [store, store];
});

describe('on a real redis-server', () => {
  const prefix = 'fg-signins:';
  const redis = redisStores(prefix);
  const { open } = redis;

  sharedByTwoInstances('Redis', async () => [await open(), await open()]);

  it('the list lives keepDays after the user\'s last sign-in, and holds nothing the login line carried beyond its fields', async () => {
    const store = await open();
    await new RecentSignIns(store, { keepDays: 2, now: Date.now }).record(finished('bob', 1));
    const [key] = await store.keys('', 10);
    const ttl = await redis.raw().pttl(`${prefix}${key!}`);
    expect(ttl, 'ms the list has left').to.be.within(2 * 86_400_000 - 60_000, 2 * 86_400_000);
    expect(JSON.stringify(await redis.raw().lrange(`${prefix}${key!}`, 0, -1))).to.not.include('never-kept');
  });
});

describe('outcome counts of the last hour (src/ops/outcome_counts.ts)', () => {
  it('counts by outcome; a store that cannot count loses the count and says so', async () => {
    const clock = new FakeClock();
    const failures: unknown[] = [];
    let refuse = false;
    const store = new (class extends MemoryStore {
      override increment(key: string, ttlMs: number): Promise<number> {
        return refuse ? Promise.reject(new Error('store down')) : super.increment(key, ttlMs);
      }
    })(clock);
    const counts = new OutcomeCounts(store, () => clock.now(), (err) => failures.push(err));
    await counts.record('success');
    await counts.record('success');
    await counts.record('wrong_code');
    refuse = true;
    await counts.record('success');
    expect(failures.map((err) => (err as Error).message)).to.deep.equal(['store down']);
    expect(await counts.lastHour()).to.deep.equal([{ outcome: 'success', count: 2 }, { outcome: 'wrong_code', count: 1 }]);
    await store.close();
  });
});
