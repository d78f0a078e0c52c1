import { expect } from 'chai';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { RememberedBrowsers } from '../../src/security/remembered_browsers.js';
import { FakeClock } from '../helpers/clock.js';
import { redisStores } from '../helpers/redis_stores.js';

// appendBounded says which values it dropped past its bound, in the same store step as the drop,
// so what hangs on a dropped value can go with it: a remembered browser pushed off its user's
// list (past login.rememberedBrowsersPerUser) loses its record `browser:ID` at once.

const LONG = 60_000;

function droppedContract(name: string, open: () => Promise<{ store: Store; twin: Store }>): void {
  describe(`${name}: what a bounded append drops`, () => {
    let store: Store;
    let twin: Store;
    beforeEach(async () => ({ store, twin } = await open()));
    afterEach(() => store.close());

    it('gives nothing while the list is within its bound, then the values it dropped, oldest first', async () => {
      expect(await store.appendBounded('list', 'a', 3, LONG)).to.deep.equal([]);
      expect(await store.appendBounded('list', 'b', 3, LONG)).to.deep.equal([]);
      expect(await store.appendBounded('list', 'c', 3, LONG)).to.deep.equal([]);
      expect(await store.appendBounded('list', 'd', 3, LONG)).to.deep.equal(['a']);
      expect(await store.readList('list')).to.deep.equal(['b', 'c', 'd']);
      // A smaller bound than the list has drops every value past it at once.
      expect(await store.appendBounded('list', { id: 'e' }, 2, LONG)).to.deep.equal(['b', 'c']);
      expect(await store.readList('list')).to.deep.equal(['d', { id: 'e' }]);
    });

    it('of many appends at once through two clients, each dropped value is given to exactly one of them', async () => {
      const values = Array.from({ length: 30 }, (_, i) => `v${i}`);
      const dropped = await Promise.all(values.map((value, i) => (i % 2 ? twin : store).appendBounded('list', value, 5, LONG)));
      const kept = await store.readList<string>('list');
      expect(kept).to.have.length(5);
      expect([...dropped.flat(), ...kept]).to.have.members(values);
    });

    it('a remembered browser dropped past the per-user cap loses its record; the others keep theirs', async () => {
      const browsers = new RememberedBrowsers(store, { maxPerUser: 2, now: () => Date.now() });
      const expires = Date.now() + LONG;
      const first = await browsers.issue('alice', { ip: '192.0.2.1', userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' }, expires);
      const second = await browsers.issue('alice', { ip: '192.0.2.2' }, expires);
      const bobs = await browsers.issue('bob', { ip: '192.0.2.9' }, expires);
      expect(await store.get(`browser:${first}`), 'listed, so kept').to.deep.include({ user: 'alice', clientIp: '192.0.2.1' });
      const third = await browsers.issue('alice', { ip: '192.0.2.3' }, expires);
      expect(await store.get(`browser:${first}`), 'dropped, so deleted').to.equal(undefined);
      expect((await browsers.list('alice')).map((b) => b.id)).to.deep.equal([second, third]);
      expect(await store.get(`browser:${second}`)).to.deep.include({ user: 'alice' });
      expect(await store.get(`browser:${bobs}`), 'another user\'s list is its own').to.deep.include({ user: 'bob' });
      expect(await browsers.holds('alice', first)).to.equal(false);
    });
  });
}

droppedContract('memory store', async () => {
  const store = new MemoryStore(new FakeClock(Date.now()));
  return { store, twin: store };
});

describe('on a real redis-server (two clients, as two instances hold them)', () => {
  const redis = redisStores('fg-drops:');
  droppedContract('redis store', async () => ({ store: await redis.open(), twin: await redis.open() }));
});
