import { expect } from 'chai';
import { MemoryStore } from '../../src/state/memory_store.js';
import { FakeClock } from '../helpers/clock.js';
import { waitFor } from '../helpers/wait.js';
import { storeContract } from './store_contract.js';

// The memory store runs the contract on a clock the test moves, so expiry costs no waiting.
storeContract('memory store', async () => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  return { store, advance: async (ms: number) => clock.advance(ms), twin: store };
});

describe('memory store: housekeeping', () => {
  it('sweeps expired entries on its interval, without being asked for them, so they do not pile up', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore(clock, { sweepIntervalMs: 10 });
    try {
      await store.set('a', 1, 100);
      await store.set('b', 2, 10_000);
      clock.advance(100);
      expect(store.size).to.equal(2); // nothing read 'a' since it expired
      await waitFor(() => store.size === 1, 'the sweep to drop the expired entry');
    } finally {
      await store.close();
    }
  });

  it('forgets everything on close', async () => {
    const store = new MemoryStore(new FakeClock());
    await store.set('a', 1, 1000);
    await store.close();
    expect(store.size).to.equal(0);
    expect(await store.get('a')).to.equal(undefined);
  });
});

describe('memory store: its bound (store.memory.maxEntries)', () => {
  it('holds at most maxEntries, pushing out the least recently used and saying which', async () => {
    const evicted: string[] = [];
    const store = new MemoryStore(new FakeClock(), { maxEntries: 3, onEvict: (key) => evicted.push(key) });
    await store.set('a', 1, 60_000);
    await store.set('b', 2, 60_000);
    await store.set('c', 3, 60_000);
    await store.get('a'); // used: b is now the least recently used
    await store.increment('d', 60_000);
    expect(store.size).to.equal(3);
    expect(evicted).to.deep.equal(['b']);
    expect(await store.get('b')).to.equal(undefined);
    expect(await store.get('a')).to.equal(1);
    expect(await store.get('d')).to.equal(1);
    await store.close();
  });

  it('does not count deletions and expiries as evictions', async () => {
    const clock = new FakeClock();
    const evicted: string[] = [];
    const store = new MemoryStore(clock, { maxEntries: 2, onEvict: (key) => evicted.push(key) });
    await store.set('a', 1, 100);
    await store.set('b', 2, 60_000);
    await store.delete('b');
    clock.advance(200);
    expect(await store.get('a')).to.equal(undefined);
    await store.set('c', 3, 60_000);
    await store.set('d', 4, 60_000);
    expect(evicted).to.deep.equal([]);
    await store.close();
  });

  it('stays within its bound under a flood of new keys', async () => {
    const store = new MemoryStore(new FakeClock(), { maxEntries: 1000 });
    for (let i = 0; i < 5000; i++) await store.increment(`limit:starts-user:user-${i}`, 60_000);
    expect(store.size).to.equal(1000);
    await store.close();
  });
});
