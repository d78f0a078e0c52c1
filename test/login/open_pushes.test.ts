import { expect } from 'chai';
import { LoginRecords, type LoginRecord } from '../../src/login/record.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { readingTogether } from '../helpers/reading_together.js';
import { redisStores } from '../helpers/redis_stores.js';

// Each user's logins with a push open (src/login/record.ts notePush, takeOpenPushes): the list a
// new push reads to withdraw the earlier ones (src/login/earlier_pushes.ts). A login missing from
// it keeps its push on the phone, approvable, until it times out.

const MINUTE = 60_000;
const waiting = (id: string, user = 'alice') => ({ id, username: user, deadline: Date.now() + 5 * MINUTE }) as LoginRecord;

/** The list's behaviour through two instances' clients of one store, whatever store it is. */
function openPushesShared(name: string, clients: () => Promise<[Store, Store]>): void {
  describe(`the user's open pushes, noted by two instances sharing ${name}`, () => {
    let first: Store;
    let second: Store;
    beforeEach(async () => { [first, second] = await clients(); });

    it('two logins of one user noting their pushes at the same moment, one on each instance, are both found by the next', async () => {
      // Both instances read the list before either writes: a read-then-write keeps only one.
      const [a, b] = readingTogether(first, second);
      await Promise.all([new LoginRecords(a, Date.now).notePush(waiting('login-a')), new LoginRecords(b, Date.now).notePush(waiting('login-b'))]);
      expect(await new LoginRecords(first, Date.now).takeOpenPushes('alice', 'login-c')).to.have.members(['login-a', 'login-b']);
    });

    it('the next push takes them all once, leaves out its own login, and each user\'s list is their own', async () => {
      await new LoginRecords(first, Date.now).notePush(waiting('login-a'));
      await new LoginRecords(second, Date.now).notePush(waiting('login-b'));
      await new LoginRecords(second, Date.now).notePush(waiting('login-x', 'bob'));
      const records = new LoginRecords(first, Date.now);
      expect(await records.takeOpenPushes('alice', 'login-b')).to.deep.equal(['login-a']);
      expect(await records.takeOpenPushes('alice', 'login-c'), 'taken once').to.deep.equal([]);
      expect(await records.takeOpenPushes('bob', 'login-y')).to.deep.equal(['login-x']);
    });

    it('a push noted while the list is being taken is either taken or left for the next, never lost', async () => {
      // Fewer than the 16 a list keeps: however the notes and takes fall, none is trimmed away.
      const ids = Array.from({ length: 15 }, (_, i) => `login-${i}`);
      const taken: string[][] = [];
      const [noting, taking] = [new LoginRecords(second, Date.now), new LoginRecords(first, Date.now)];
      await Promise.all(ids.flatMap((id, i) => [
        noting.notePush(waiting(id)),
        ...(i % 3 === 0 ? [taking.takeOpenPushes('alice', 'none').then((got) => void taken.push(got))] : []),
      ]));
      const seen = [...taken.flat(), ...(await taking.takeOpenPushes('alice', 'none'))];
      expect(seen).to.have.members(ids);
      expect(seen).to.have.length(ids.length);
    });

    it('remembers at most the 16 newest, and nothing for a login already past its deadline', async () => {
      const records = new LoginRecords(first, Date.now);
      for (let i = 0; i < 20; i++) await records.notePush(waiting(`login-${i}`));
      await records.notePush({ ...waiting('too-late'), deadline: Date.now() - 1 });
      expect(await records.takeOpenPushes('alice', 'none')).to.deep.equal(Array.from({ length: 16 }, (_, i) => `login-${i + 4}`));
    });
  });
}

openPushesShared('one memory store (two workers of one process)', async () => {
  const store = new MemoryStore();
  return [store, store];
});

describe('on a real redis-server', () => {
  const prefix = 'fg-pushes:';
  const redis = redisStores(prefix);
  const { open } = redis;

  openPushesShared('Redis', async () => [await open(), await open()]);

  it('the list lives as long as the newest noted login has left, and holds only login ids, under a hashed user name', async () => {
    const store = await open();
    const records = new LoginRecords(store, Date.now);
    await records.notePush({ ...waiting('login-a'), deadline: Date.now() + 10 * MINUTE });
    await records.notePush({ ...waiting('login-b'), deadline: Date.now() + 2 * MINUTE });
    const [key] = await store.keys('', 10);
    expect(key).to.not.include('alice');
    expect(await redis.raw().lrange(`${prefix}${key!}`, 0, -1)).to.deep.equal(['"login-a"', '"login-b"']);
    expect(await redis.raw().pttl(`${prefix}${key!}`), 'ms the list has left').to.be.within(2 * MINUTE - 30_000, 2 * MINUTE);
  });
});
