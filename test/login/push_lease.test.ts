import { expect } from 'chai';
import { PushWatcher } from '../../src/login/push_watcher.js';
import type { PushVerdict } from '../../src/login/views.js';
import { MemoryNotifier } from '../../src/state/notifier.js';
import type { Store } from '../../src/state/store.js';
import { captureLogs } from '../helpers/log_capture.js';
import { overSharedStores, type TwoClients } from '../helpers/redis_stores.js';

// The push poller's lease (src/login/push_watcher.ts, push-poller:LOGIN): an instance whose loop
// stalled past the lease while another instance took it over must neither renew nor delete the
// other's lease, and stops polling. The lapse is made by deleting the lease, as its TTL would.

const LEASE = 'push-poller:L1';

/** A verdict the test answers by hand, counting how often it is asked. */
function heldVerdicts() {
  const answers: Array<(verdict: PushVerdict) => void> = [];
  let asked!: () => void;
  let askedAgain = new Promise<void>((resolve) => (asked = resolve));
  return {
    get count() { return answers.length; },
    /** Resolves at the next question. */
    next: () => askedAgain,
    verdict: () => new Promise<PushVerdict>((resolve) => {
      answers.push(resolve);
      const signal = asked;
      askedAgain = new Promise<void>((r) => (asked = r));
      signal();
    }),
    answer: (verdict: PushVerdict) => answers.at(-1)!(verdict),
  };
}

/** The store as one instance uses it, telling when that instance lets its lease go. */
function tellingRelease(store: Store): { store: Store; released: Promise<void> } {
  let done!: () => void;
  const released = new Promise<void>((resolve) => (done = resolve));
  const wrapped = Object.assign(Object.create(store) as Store, {
    delete: async (key: string) => { await store.delete(key); if (key === LEASE) done(); },
    deleteIfEqual: async <T>(key: string, expected: T) => {
      const deleted = await store.deleteIfEqual(key, expected);
      if (key === LEASE) done();
      return deleted;
    },
  });
  return { store: wrapped, released };
}

function leaseContract(name: string, clients: TwoClients): void {
  describe(`push poller lease on ${name}`, () => {
    const watcher = (store: Store, verdict: () => Promise<PushVerdict>, notifier: MemoryNotifier) =>
      new PushWatcher({ verdict, store, notifier, logger: captureLogs().logger, intervalMs: 5, maxIntervalMs: 5 });

    /** Instance one polls; its lease lapses while it waits on the push server; instance two takes over. */
    async function takenOver() {
      const [first, second] = await clients();
      const notifier = new MemoryNotifier();
      const [oneAsks, twoAsks] = [heldVerdicts(), heldVerdicts()];
      const { store: oneStore, released } = tellingRelease(first);
      const one = watcher(oneStore, oneAsks.verdict, notifier);
      const two = watcher(second, twoAsks.verdict, notifier);
      const oneAsked = oneAsks.next();
      await one.watch('L1');
      await oneAsked;
      await second.delete(LEASE); // the lease's TTL ran out while one waited
      const twoAsked = twoAsks.next();
      await two.watch('L1');
      await twoAsked;
      const twosLease = await second.get<string>(LEASE);
      expect(twosLease, 'two holds the lease').to.be.a('string');
      return { one, two, oneAsks, twoAsks, released, twosLease, second };
    }

    it('a loop that lost its lease does not take it back, and stops polling', async () => {
      const { one, two, oneAsks, released, twosLease, second } = await takenOver();
      const askedAgain = oneAsks.next();
      oneAsks.answer('open');
      await Promise.race([released, askedAgain]);
      expect(oneAsks.count, 'one asked the push server again').to.equal(1);
      expect(await second.get(LEASE), 'the lease is still two\'s').to.equal(twosLease);
      one.stop();
      two.stop();
    });

    it('a loop that ends after losing its lease leaves the other instance\'s lease in place', async () => {
      const { one, two, oneAsks, released, twosLease, second } = await takenOver();
      oneAsks.answer('approved');
      await released;
      expect(await second.get(LEASE), 'the lease is still two\'s').to.equal(twosLease);
      one.stop();
      two.stop();
    });

    it('a loop that still holds its lease renews it and polls on, and lets it go at the verdict', async () => {
      const [first] = await clients();
      const asks = heldVerdicts();
      const { store, released } = tellingRelease(first);
      const one = watcher(store, asks.verdict, new MemoryNotifier());
      let asked = asks.next();
      await one.watch('L1');
      await asked;
      const lease = await first.get<string>(LEASE);
      asked = asks.next();
      asks.answer('open');
      await asked;
      expect(await first.get(LEASE), 'renewed, not lost').to.equal(lease);
      asks.answer('approved');
      await released;
      expect(await first.get(LEASE)).to.equal(undefined);
    });
  });
}

describe('push watcher: the poller lease (src/login/push_watcher.ts)', () => {
  overSharedStores('fg-lease:', leaseContract);
});
