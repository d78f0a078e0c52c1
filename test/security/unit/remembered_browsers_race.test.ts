import { expect } from 'chai';
import { RememberedBrowsers } from '../../../src/security/remembered_browsers.js';
import type { Store } from '../../../src/state/store.js';
import { overSharedStores, type TwoClients } from '../../helpers/redis_stores.js';

// The user's list of remembered browsers changed by two instances at once
// (src/security/remembered_browsers.ts): an id lost from the list is a browser asked for a code
// again, or a revoked one back. Each instance's reads of anything but a browser's record are held
// until both instances have read: a list read then written back loses the other's change.

const HOUR = 3_600_000;

/** Two clients whose reads (but of `browser:ID` records) answer only once both have read. */
function listReadsTogether(first: Store, second: Store): [Store, Store] {
  let reads = 0;
  let release!: () => void;
  const bothRead = new Promise<void>((resolve) => (release = resolve));
  const holding = (store: Store): Store => Object.assign(Object.create(store) as Store, {
    get: async <T>(key: string): Promise<T | undefined> => {
      const value = await store.get<T>(key);
      if (key.startsWith('browser:')) return value;
      if (++reads === 2) release();
      await bothRead;
      return value;
    },
  });
  return [holding(first), holding(second)];
}

function listedTogether(name: string, clients: TwoClients): void {
  describe(`remembered browsers changed at once by two instances sharing ${name}`, () => {
    const browsers = (store: Store) => new RememberedBrowsers(store, { maxPerUser: 5, now: Date.now });

    it('two browsers remembered at the same moment are both held and listed', async () => {
      const [first, second] = await clients();
      const [a, b] = listReadsTogether(first, second);
      const ids = await Promise.all([browsers(a).issue('alice', { ip: '192.0.2.1' }, Date.now() + HOUR), browsers(b).issue('alice', { ip: '192.0.2.2' }, Date.now() + HOUR)]);
      for (const id of ids) expect(await browsers(first).holds('alice', id), id).to.equal(true);
      expect((await browsers(second).list('alice')).map((browser) => browser.id)).to.have.members(ids);
    });

    it('a browser remembered while another is revoked stays held; the revoked one is not', async () => {
      const [first, second] = await clients();
      const old = await browsers(first).issue('alice', { ip: '192.0.2.1' }, Date.now() + HOUR);
      const [reading, b] = listReadsTogether(first, second);
      // The revocation's write of the list comes after the issue's: a list written back whole drops the new id.
      const issuing = browsers(b).issue('alice', { ip: '192.0.2.2' }, Date.now() + HOUR);
      const a = Object.assign(Object.create(reading) as Store, {
        delete: async (key: string) => {
          if (!key.startsWith('browser:')) await issuing;
          return reading.delete(key);
        },
      });
      const [, issued] = await Promise.all([browsers(a).revoke('alice', old), issuing]);
      expect(await browsers(first).holds('alice', issued)).to.equal(true);
      expect(await browsers(first).holds('alice', old)).to.equal(false);
      expect((await browsers(second).list('alice')).map((browser) => browser.id)).to.deep.equal([issued]);
    });

    it('many browsers remembered at once through both instances: the newest maxPerUser are held, the rest are not', async () => {
      const [first, second] = await clients();
      const ids = await Promise.all(Array.from({ length: 12 }, (_, i) => browsers(i % 2 ? first : second).issue('alice', { ip: '192.0.2.1' }, Date.now() + HOUR)));
      const held = await Promise.all(ids.map((id) => browsers(first).holds('alice', id)));
      expect(held.filter(Boolean)).to.have.length(5);
      expect(await browsers(second).list('alice')).to.have.length(5);
      expect(await browsers(first).revokeAll('alice')).to.equal(5);
      expect(await Promise.all(ids.map((id) => browsers(second).holds('alice', id)))).to.not.include(true);
    });
  });
}

describe('remembered browsers: changes at once (src/security/remembered_browsers.ts)', () => {
  overSharedStores('fg-browsers:', listedTogether);
});
