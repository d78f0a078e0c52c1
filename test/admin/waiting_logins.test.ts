import { expect } from 'chai';
import type { AdminDeps } from '../../src/admin/deps.js';
import { MAX_LOGINS_LISTED, waitingLogins } from '../../src/admin/actions.js';
import { LoginRecords, type LoginRecord } from '../../src/login/record.js';
import type { Store } from '../../src/state/store.js';
import { overSharedStores } from '../helpers/redis_stores.js';

// The sign-ins waiting as the administrator's pages read them (src/admin/actions.ts
// waitingLogins, src/login/record.ts LoginRecords.waiting), on the memory store and on a real
// Redis: counted by key up to a bound, records read up to another, whatever else the store holds.

const NOW = 1_800_000_000_000;

async function seed(store: Store, count: number, userOf: (i: number) => string): Promise<void> {
  const records = new LoginRecords(store, () => NOW);
  for (let i = 0; i < count; i++) {
    const user = userOf(i);
    const record: LoginRecord = {
      id: `login-${i}`, state: 'started', username: user, realm: '', gatewayName: user, sealedPassword: 'sealed', clientIp: '192.0.2.1',
      provider: 'totp', providerState: {}, open: { kind: 'form', factor: 'second' }, path: 'none', device: { presented: false, accepted: false },
      choice: 'totp', csrf: `csrf-${i}`, wrongAnswers: 0, resends: 0, createdAt: NOW - (count - i) * 1000, deadline: NOW + 600_000,
    };
    await records.save(record, 'awaiting_answer');
  }
}

/** Only what waitingLogins reads. */
const depsOver = (store: Store) => ({ state: { logins: new LoginRecords(store, () => NOW) }, now: () => NOW }) as unknown as AdminDeps;

describe('the sign-ins waiting, read within bounds', () => {
  overSharedStores('fg-waiting:', (name, clients) => {
    describe(name, () => {
      it('counts every login waiting and reads them all while they are fewer than both bounds, other keys aside', async () => {
        const [store] = await clients();
        await seed(store, 30, (i) => `user${i}`);
        await store.set('login-not:a-login', 1, 60_000);
        await store.set('admin:session:x', 1, 60_000);
        const { counted, records } = await new LoginRecords(store, () => NOW).waiting({ count: 100, read: 50 });
        expect(counted).to.equal(30);
        expect(records.map((r) => r.id).sort()).to.deep.equal(Array.from({ length: 30 }, (_, i) => `login-${i}`).sort());
      });

      it('stops counting at `count` and reads no more than `read` records', async () => {
        const [store] = await clients();
        await seed(store, 700, (i) => `user${i}`);
        const { counted, records } = await new LoginRecords(store, () => NOW).waiting({ count: 600, read: 120 });
        expect(counted).to.equal(600);
        expect(records).to.have.length(120);
        expect(new Set(records.map((r) => r.id)).size).to.equal(120);
      });

      it('waitingLogins: newest first, one user\'s alone when named, and how many wait beside how many were read', async () => {
        const [store] = await clients();
        await seed(store, MAX_LOGINS_LISTED + 100, (i) => (i % 100 === 0 ? 'bob' : `user${i}`));
        const all = await waitingLogins(depsOver(store));
        expect(all).to.deep.include({ waiting: MAX_LOGINS_LISTED + 100, read: MAX_LOGINS_LISTED });
        expect(all.logins).to.have.length(MAX_LOGINS_LISTED);
        const ages = all.logins.map((l) => l.ageSeconds);
        expect(ages).to.deep.equal([...ages].sort((a, b) => a - b));
        const bobs = await waitingLogins(depsOver(store), 'bob');
        expect(bobs.logins.length).to.be.at.most(11);
        expect(bobs.logins.every((l) => l.user === 'bob')).to.equal(true);
        expect(bobs).to.deep.include({ waiting: MAX_LOGINS_LISTED + 100, read: MAX_LOGINS_LISTED });
      });
    });
  });
});
