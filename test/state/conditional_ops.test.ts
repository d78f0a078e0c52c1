import { expect } from 'chai';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { FakeClock } from '../helpers/clock.js';
import { redisStores } from '../helpers/redis_stores.js';

// The store's steps that change a value only if it is still what the caller read (setIfEqual,
// deleteIfEqual) and a list's removal of one value (removeFromList): each one
// step in the store, so a write by another instance between a read and a write is never undone.

type Clients = { store: Store; twin: Store; advance(ms: number): Promise<void> };

const TTL = 300;
const LONG = 60_000;

function conditionalContract(name: string, open: () => Promise<Clients>): void {
  describe(`${name}: conditional writes and removing one value from a list`, () => {
    let store: Store;
    let twin: Store;
    let advance: (ms: number) => Promise<void>;
    beforeEach(async () => ({ store, twin, advance } = await open()));
    afterEach(() => store.close());

    describe('setIfEqual', () => {
      it('replaces the value only while it is the one expected, and says whether it did', async () => {
        await store.set('lease', 'mine', LONG);
        expect(await twin.setIfEqual('lease', 'mine', 'mine-again', LONG)).to.equal(true);
        expect(await store.get('lease')).to.equal('mine-again');
        await twin.set('lease', 'theirs', LONG);
        expect(await store.setIfEqual('lease', 'mine-again', 'mine', LONG), 'another holder took it').to.equal(false);
        expect(await store.get('lease')).to.equal('theirs');
        expect(await store.setIfEqual('never-set', 'mine', 'mine', LONG), 'nothing to renew').to.equal(false);
        expect(await store.get('never-set')).to.equal(undefined);
      });

      it('compares records by their JSON text, so a record read back matches itself', async () => {
        const record = { digest: 'd1', issuedAt: 1, expiresAt: 2, nested: { a: [1, 'b'] } };
        await store.set('k', record, LONG);
        const read = (await twin.get<typeof record>('k'))!;
        expect(await store.setIfEqual('k', { ...read, digest: 'other' }, { ...read, issuedAt: 9 }, LONG)).to.equal(false);
        expect(await store.setIfEqual('k', read, { ...read, issuedAt: 9 }, LONG)).to.equal(true);
        expect(await twin.get('k')).to.deep.equal({ ...record, issuedAt: 9 });
      });

      it('restarts the TTL with the one given, and does not bring back a value past its TTL', async () => {
        await store.set('lease', 'mine', TTL);
        await advance(TTL / 2);
        expect(await store.setIfEqual('lease', 'mine', 'mine', TTL)).to.equal(true);
        await advance(TTL / 2 + 50); // past the first TTL, within the second
        expect(await store.get('lease')).to.equal('mine');
        await advance(TTL);
        expect(await store.setIfEqual('lease', 'mine', 'mine', LONG)).to.equal(false);
        expect(await store.get('lease')).to.equal(undefined);
      });

      it('of many renewals at once through two clients, each expecting what the one before wrote, exactly one goes through', async () => {
        await store.set('lease', 0, LONG);
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? twin : store).setIfEqual('lease', 0, i + 1, LONG)));
        expect(results.filter(Boolean)).to.have.length(1);
        expect(await store.get('lease')).to.equal(results.indexOf(true) + 1);
      });

      it('refuses undefined and leaves the value as it was', async () => {
        await store.set('lease', 'mine', LONG);
        const failure = await store.setIfEqual('lease', 'mine', undefined, LONG).then(() => undefined, (err: unknown) => err);
        expect(failure).to.be.instanceOf(TypeError);
        expect(await store.get('lease')).to.equal('mine');
      });
    });

    describe('deleteIfEqual', () => {
      it('deletes only the value expected; a value written meanwhile through another client stays', async () => {
        await store.set('code', { digest: 'old' }, LONG);
        const read = await store.get('code');
        await twin.set('code', { digest: 'new' }, LONG);
        expect(await store.deleteIfEqual('code', read)).to.equal(false);
        expect(await store.get('code')).to.deep.equal({ digest: 'new' });
        expect(await store.deleteIfEqual('code', { digest: 'new' })).to.equal(true);
        expect(await twin.get('code')).to.equal(undefined);
        expect(await store.deleteIfEqual('code', { digest: 'new' }), 'already gone').to.equal(false);
      });

      it('does not delete a value past its TTL (it is gone already)', async () => {
        await store.set('lease', 'mine', TTL);
        await advance(TTL + 50);
        expect(await store.deleteIfEqual('lease', 'mine')).to.equal(false);
      });

      it('of many deletions at once through two clients, exactly one deletes', async () => {
        await store.set('code', 'once', LONG);
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? twin : store).deleteIfEqual('code', 'once')));
        expect(results.filter(Boolean)).to.have.length(1);
      });
    });

    describe('removeFromList', () => {
      it('removes the value given and leaves the others in order, the TTL unchanged', async () => {
        for (const value of ['a', 'b', 'c']) await store.appendBounded('list', value, 10, TTL);
        expect(await twin.removeFromList('list', 'b')).to.equal(true);
        expect(await store.readList('list')).to.deep.equal(['a', 'c']);
        expect(await store.removeFromList('list', 'b'), 'not there any more').to.equal(false);
        expect(await store.removeFromList('never-set', 'b')).to.equal(false);
        await advance(TTL + 50);
        expect(await store.readList('list')).to.deep.equal([]);
      });

      it('removing the last value leaves no list', async () => {
        await store.appendBounded('list', { id: 'a' }, 10, LONG);
        expect(await store.removeFromList('list', { id: 'a' })).to.equal(true);
        expect(await store.keys('list', 10)).to.deep.equal([]);
      });

      it('removals and appends at once through two clients: every append not removed stays', async () => {
        const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
        for (const value of values.slice(0, 10)) await store.appendBounded('list', value, 100, LONG);
        await Promise.all([
          ...values.slice(0, 10).map((value) => twin.removeFromList('list', value)),
          ...values.slice(10).map((value) => store.appendBounded('list', value, 100, LONG)),
        ]);
        expect(await store.readList('list')).to.have.members(values.slice(10));
      });
    });
  });
}

conditionalContract('memory store', async () => {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  return { store, twin: store, advance: async (ms) => clock.advance(ms) };
});

describe('on a real redis-server (two clients, as two instances hold them)', () => {
  const redis = redisStores('fg-cond:');
  const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
  conditionalContract('redis store', async () => ({ store: await redis.open(), twin: await redis.open(), advance: sleep }));
});
