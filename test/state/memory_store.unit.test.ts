import { expect } from 'chai';
import { MemoryStore } from '../../src/state/memory_store.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

describe('memory store (src/state/memory_store.ts)', () => {
  let clock: ReturnType<typeof fakeClock>;
  let store: MemoryStore;

  beforeEach(() => {
    clock = fakeClock();
    store = new MemoryStore(clock);
  });
  afterEach(async () => {
    await store.close();
  });

  describe('get and set', () => {
    it('gives back what was set', async () => {
      await store.set('k', { a: 1, list: [1, 2] }, 1000);
      expect(await store.get('k')).to.deep.equal({ a: 1, list: [1, 2] });
    });

    it('gives undefined for a key never set', async () => {
      expect(await store.get('missing')).to.equal(undefined);
    });

    it('keeps a value until just before its TTL ends and forgets it at the end', async () => {
      await store.set('k', 'v', 1000);
      clock.advance(999);
      expect(await store.get('k')).to.equal('v');
      clock.advance(1);
      expect(await store.get('k')).to.equal(undefined);
    });

    it('restarts the TTL when a key is set again', async () => {
      await store.set('k', 'v1', 1000);
      clock.advance(800);
      await store.set('k', 'v2', 1000);
      clock.advance(800);
      expect(await store.get('k')).to.equal('v2');
    });

    it('keeps keys apart', async () => {
      await store.set('a', 1, 1000);
      await store.set('b', 2, 1000);
      await store.delete('a');
      expect(await store.get('a')).to.equal(undefined);
      expect(await store.get('b')).to.equal(2);
    });

    it('stores a copy: changing the original after set does not change what is stored', async () => {
      const record = { state: 'started', nested: { attempts: 0 }, list: ['a'] };
      await store.set('k', record, 1000);
      record.state = 'done';
      record.nested.attempts = 99;
      record.list.push('b');
      expect(await store.get('k')).to.deep.equal({ state: 'started', nested: { attempts: 0 }, list: ['a'] });
    });

    it('hands out a copy: changing what get returned does not change what is stored', async () => {
      // Stores are interchangeable (a Redis store returns a fresh object every time), so a
      // caller must have to call set for a change to be kept.
      await store.set('k', { state: 'awaiting_answer', wrongAnswers: 0 }, 1000);
      const loaded = (await store.get<{ state: string; wrongAnswers: number }>('k'))!;
      loaded.state = 'second_factor_passed';
      loaded.wrongAnswers = 5;
      expect(await store.get('k')).to.deep.equal({ state: 'awaiting_answer', wrongAnswers: 0 });
    });
  });

  describe('setIfAbsent', () => {
    it('stores only when the key is absent and says whether it stored', async () => {
      expect(await store.setIfAbsent('lock', 'first', 1000)).to.equal(true);
      expect(await store.setIfAbsent('lock', 'second', 1000)).to.equal(false);
      expect(await store.get('lock')).to.equal('first');
    });

    it('stores again once the earlier value has expired', async () => {
      await store.setIfAbsent('lock', 'first', 1000);
      clock.advance(1000);
      expect(await store.setIfAbsent('lock', 'second', 1000)).to.equal(true);
      expect(await store.get('lock')).to.equal('second');
    });

    it('stores again after the key was deleted', async () => {
      await store.setIfAbsent('lock', 1, 1000);
      await store.delete('lock');
      expect(await store.setIfAbsent('lock', 2, 1000)).to.equal(true);
    });
  });

  describe('take', () => {
    it('gives the value once and then nothing', async () => {
      await store.set('once', { id: 'x' }, 1000);
      expect(await store.take('once')).to.deep.equal({ id: 'x' });
      expect(await store.take('once')).to.equal(undefined);
      expect(await store.get('once')).to.equal(undefined);
    });

    it('gives nothing for an expired value', async () => {
      await store.set('once', 'v', 1000);
      clock.advance(1000);
      expect(await store.take('once')).to.equal(undefined);
    });

    it('gives the value to exactly one of two concurrent takers', async () => {
      await store.set('once', 'v', 1000);
      const results = await Promise.all([store.take('once'), store.take('once')]);
      expect(results.filter((r) => r === 'v')).to.have.length(1);
    });
  });

  describe('increment', () => {
    it('counts from 1', async () => {
      expect(await store.increment('n', 1000)).to.equal(1);
      expect(await store.increment('n', 1000)).to.equal(2);
      expect(await store.increment('n', 1000)).to.equal(3);
      expect(await store.get('n')).to.equal(3);
    });

    it('starts the TTL at the first increment and does not extend it with later ones', async () => {
      await store.increment('n', 1000);
      clock.advance(600);
      expect(await store.increment('n', 1000)).to.equal(2);
      clock.advance(399);
      expect(await store.increment('n', 1000)).to.equal(3);
      clock.advance(1); // 1000 ms after the first increment
      expect(await store.get('n')).to.equal(undefined);
      expect(await store.increment('n', 1000)).to.equal(1);
    });

    it('counts each key on its own', async () => {
      await store.increment('a', 1000);
      await store.increment('a', 1000);
      expect(await store.increment('b', 1000)).to.equal(1);
    });
  });

  describe('housekeeping', () => {
    it('sweeps expired entries on its interval so they do not pile up', async () => {
      const moved = fakeClock();
      const swept = new MemoryStore(moved, { sweepIntervalMs: 10 });
      try {
        await swept.set('a', 1, 100);
        await swept.set('b', 2, 10_000);
        moved.advance(100);
        await new Promise((resolve) => setTimeout(resolve, 40));
        expect(swept.size).to.equal(1);
      } finally {
        await swept.close();
      }
    });

    it('forgets everything on close', async () => {
      await store.set('a', 1, 1000);
      await store.close();
      expect(store.size).to.equal(0);
      expect(await store.get('a')).to.equal(undefined);
    });
  });
});
