import { expect } from 'chai';
import { newDeviceId, type DeviceStore, type NewOtpDevice } from '../../../src/otp/device_store.js';
import { FakeClock } from '../../helpers/clock.js';

export type DeviceStoreUnderTest = {
  store: DeviceStore;
  clock: FakeClock;
  /** Another store on the same data, as a second factorgate instance would have. */
  another(): Promise<DeviceStore>;
};

/** Two users the backing knows (LDAP: their entries exist). */
export type ContractUsers = { alice: string; bob: string };

const sealed = (n: number) => `sealed-secret-${n}-${'x'.repeat(60)}`;
const fresh = (name: string, n = 1): NewOtpDevice => ({ id: newDeviceId(), name, sealedSecret: sealed(n) });

/** What every DeviceStore must do, whatever keeps the data: run by the SQLite, PostgreSQL and LDAP store tests. */
export function deviceStoreContract(name: string, users: ContractUsers, make: () => Promise<DeviceStoreUnderTest>): void {
  const { alice, bob } = users;

  describe(`${name}: the DeviceStore contract`, function () {
    this.timeout(20_000);
    let store: DeviceStore;
    let clock: FakeClock;
    let another: () => Promise<DeviceStore>;
    const others: DeviceStore[] = [];
    const second = async () => {
      const s = await another();
      others.push(s);
      return s;
    };

    beforeEach(async () => ({ store, clock, another } = await make()));
    afterEach(async () => {
      for (const s of others.splice(0)) await s.close();
      await store.close();
    });

    it('lists nothing and gets nothing for a user without devices, or unknown', async () => {
      expect(await store.list(alice)).to.deep.equal([]);
      expect(await store.list('nobody-at-all')).to.deep.equal([]);
      expect(await store.get(alice, newDeviceId())).to.equal(undefined);
    });

    it('adds an inactive device created now, and gives it back as added', async () => {
      const input = fresh('Work phone');
      const added = await store.add(alice, input);
      expect(added).to.deep.equal({ id: input.id, user: alice, name: 'Work phone', createdAt: clock.now(), active: false, sealedSecret: input.sealedSecret });
      expect(await store.get(alice, input.id)).to.deep.equal(added);
      expect(await store.list(alice)).to.deep.equal([added]);
    });

    it('keeps several devices per user, oldest first, and each user sees only their own', async () => {
      const phone = await store.add(alice, fresh('Phone', 1));
      clock.advance(1000);
      const tablet = await store.add(alice, fresh('Tablet', 2));
      clock.advance(1000);
      const bobs = await store.add(bob, fresh('Bob\'s phone', 3));
      expect(await store.list(alice)).to.deep.equal([phone, tablet]);
      expect(await store.list(bob)).to.deep.equal([bobs]);
      expect(await store.get(bob, phone.id)).to.equal(undefined);
      expect(await store.get(alice, bobs.id)).to.equal(undefined);
    });

    it('keeps a name with any printable characters, trimmed', async () => {
      const name = ' Zoë\'s "phone" ✓ <a>&amp; \\ , ; = + # ';
      const added = await store.add(alice, fresh(name));
      expect((await store.get(alice, added.id))!.name).to.equal(name.trim());
    });

    it('refuses a bad name, id or user with a TypeError and adds nothing', async () => {
      const bad: [string, NewOtpDevice][] = [
        [alice, fresh('')], [alice, fresh('   ')], [alice, fresh('a\nb')], [alice, fresh('x'.repeat(65))],
        [alice, { ...fresh('ok'), id: 'not-an-id!' }], [alice, { ...fresh('ok'), sealedSecret: '' }],
        ['', fresh('ok')], ['ali\0ce', fresh('ok')],
      ];
      for (const [user, device] of bad) {
        const err = await store.add(user, device).then(() => undefined, (e: unknown) => e);
        expect(err, JSON.stringify(device)).to.be.instanceOf(TypeError);
      }
      expect(await store.list(alice)).to.deep.equal([]);
    });

    it('activates a device; false for a device that is not there', async () => {
      const added = await store.add(alice, fresh('Phone'));
      expect(await store.activate(alice, added.id)).to.equal(true);
      expect((await store.get(alice, added.id))!.active).to.equal(true);
      expect(await store.activate(alice, newDeviceId())).to.equal(false);
      expect(await store.activate(bob, added.id)).to.equal(false);
    });

    it('renames a device, and refuses a bad name leaving the old one', async () => {
      const added = await store.add(alice, fresh('Phone'));
      expect(await store.rename(alice, added.id, 'Old phone')).to.equal(true);
      expect((await store.get(alice, added.id))!.name).to.equal('Old phone');
      const err = await store.rename(alice, added.id, '\u0007').then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(TypeError);
      expect((await store.get(alice, added.id))!.name).to.equal('Old phone');
      expect(await store.rename(bob, added.id, 'Mine now')).to.equal(false);
    });

    it('removes a device once; another user cannot remove it', async () => {
      const keep = await store.add(alice, fresh('Keep', 1));
      const gone = await store.add(alice, fresh('Gone', 2));
      expect(await store.remove(bob, gone.id)).to.equal(false);
      expect(await store.remove(alice, gone.id)).to.equal(true);
      expect(await store.remove(alice, gone.id)).to.equal(false);
      expect(await store.list(alice)).to.deep.equal([keep]);
    });

    it('records a use only for a step after the last one, with its time', async () => {
      const added = await store.add(alice, fresh('Phone'));
      expect(await store.recordUse(alice, added.id, 1000, 5_000)).to.equal(true);
      expect(await store.get(alice, added.id)).to.include({ lastStep: 1000, lastUsedAt: 5_000 });
      expect(await store.recordUse(alice, added.id, 1000, 6_000), 'same step').to.equal(false);
      expect(await store.recordUse(alice, added.id, 999, 7_000), 'earlier step').to.equal(false);
      expect(await store.get(alice, added.id)).to.include({ lastStep: 1000, lastUsedAt: 5_000 });
      expect(await store.recordUse(alice, added.id, 1001, 8_000), 'next step').to.equal(true);
      expect(await store.get(alice, added.id)).to.include({ lastStep: 1001, lastUsedAt: 8_000 });
    });

    it('records a use on one device only, and not for a device that is not there', async () => {
      const one = await store.add(alice, fresh('One', 1));
      const two = await store.add(alice, fresh('Two', 2));
      expect(await store.recordUse(alice, one.id, 50, 1)).to.equal(true);
      expect(await store.get(alice, two.id)).to.deep.equal(two);
      expect(await store.recordUse(bob, one.id, 51, 2)).to.equal(false);
      expect(await store.recordUse(alice, newDeviceId(), 51, 2)).to.equal(false);
    });

    it('refuses a step or time that is not a non-negative integer', async () => {
      const added = await store.add(alice, fresh('Phone'));
      for (const [step, at] of [[1.5, 1], [-1, 1], [Number.NaN, 1], [1, -5], [1, 1.5]] as const) {
        const err = await store.recordUse(alice, added.id, step, at).then(() => undefined, (e: unknown) => e);
        expect(err, `${step} ${at}`).to.be.instanceOf(TypeError);
      }
    });

    it('keeps the sealed secret exactly as given', async () => {
      const added = await store.add(alice, fresh('Phone', 7));
      await store.activate(alice, added.id);
      await store.recordUse(alice, added.id, 3, 3);
      expect((await store.get(alice, added.id))!.sealedSecret).to.equal(sealed(7));
    });

    it('shows one instance\'s changes to another instance at once', async () => {
      const other = await second();
      const added = await store.add(alice, fresh('Phone'));
      expect(await other.get(alice, added.id)).to.deep.equal(added);
      await other.rename(alice, added.id, 'Renamed');
      expect((await store.get(alice, added.id))!.name).to.equal('Renamed');
    });

    it('lets exactly one of several instances racing record the same step', async () => {
      const racers = [store, await second(), await second(), await second()];
      const added = await store.add(alice, fresh('Phone'));
      for (let step = 100; step < 105; step += 1) {
        const results = await Promise.all(racers.map((s, i) => s.recordUse(alice, added.id, step, step * 10 + i)));
        expect(results.filter(Boolean), `step ${step}: ${results}`).to.have.length(1);
        expect((await store.get(alice, added.id))!.lastStep).to.equal(step);
      }
    });

    it('lets exactly one of many calls at once on one instance record a step (a pool\'s connections race too)', async () => {
      const added = await store.add(alice, fresh('Phone'));
      for (let step = 200; step < 203; step += 1) {
        const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.recordUse(alice, added.id, step, step * 10 + i)));
        expect(results.filter(Boolean), `step ${step}: ${results}`).to.have.length(1);
      }
      expect((await store.get(alice, added.id))!.lastStep).to.equal(202);
    });

    it('loses no update when instances race with different steps: the last step is the highest', async () => {
      const racers = [store, await second(), await second()];
      const added = await store.add(alice, fresh('Phone'));
      for (let round = 0; round < 5; round += 1) {
        const base = 1000 + round * 10;
        const results = await Promise.all(racers.map((s, i) => s.recordUse(alice, added.id, base + i, base)));
        expect(results[racers.length - 1], `round ${round}`).to.equal(true);
        expect((await store.get(alice, added.id))!.lastStep).to.equal(base + racers.length - 1);
      }
    });

    it('loses no device when instances add and rename at the same time', async () => {
      const racers = [store, await second(), await second()];
      const first = await store.add(alice, fresh('First'));
      const added = await Promise.all(racers.map((s, i) => s.add(alice, fresh(`Device ${i}`, i))));
      await Promise.all(racers.map((s, i) => s.rename(alice, first.id, `First ${i}`)));
      const listed = await store.list(alice);
      expect(listed.map((d) => d.id).sort()).to.deep.equal([first.id, ...added.map((d) => d.id)].sort());
      expect(listed.find((d) => d.id === first.id)!.name).to.match(/^First [0-2]$/);
    });

    it('refuses every operation once closed', async () => {
      const other = await another();
      await other.close();
      const err = await other.list(alice).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(Error).with.property('name', 'StoreError');
    });
  });
}
