import type { Store } from '../../src/state/store.js';

/**
 * Two clients of one store (as two factorgate processes hold them) whose reads wait for each
 * other: each `get` answers only once both clients have read. That is the interleaving in which
 * an update made as a read and then a write loses one of two updates (both read the same list,
 * then each writes its own). Every other operation, an atomic one included, passes straight
 * through, so code that does not read-then-write never waits here.
 */
export function readingTogether(first: Store, second: Store): [Store, Store] {
  let reads = 0;
  let release!: () => void;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  const waitingOnReads = (store: Store): Store => Object.assign(Object.create(store) as Store, {
    get: async <T>(key: string): Promise<T | undefined> => {
      const value = await store.get<T>(key);
      if (++reads === 2) release();
      await bothRead;
      return value;
    },
  });
  return [waitingOnReads(first), waitingOnReads(second)];
}
