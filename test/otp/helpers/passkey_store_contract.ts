import { expect } from 'chai';
import { newDeviceId, type NewPasskey, type PasskeyStore } from '../../../src/otp/device_store.js';
import type { FakeClock } from '../../helpers/clock.js';

export type PasskeyStoreUnderTest = { store: PasskeyStore & { close(): Promise<void> }; clock: FakeClock };

const passkey = (name: string, credentialId: string): NewPasskey => ({
  id: newDeviceId(), name, credentialId, publicKey: 'pQECAyYgASFYIP' + 'A'.repeat(40), counter: 0, transports: ['usb', 'nfc', 'bogus'], aaguid: '00000000-0000-0000-0000-000000000000',
});

const refusal = (promise: Promise<unknown>): Promise<unknown> => promise.then(() => undefined, (err: unknown) => err);

/** What every store that holds passkeys must do: run by the SQLite and the PostgreSQL store's tests (LDAP holds none). */
export function passkeyStoreContract(name: string, make: () => Promise<PasskeyStoreUnderTest>): void {
  describe(`${name}: the PasskeyStore contract`, function () {
    this.timeout(20_000);
    let store: PasskeyStoreUnderTest['store'];
    let clock: FakeClock;
    beforeEach(async () => ({ store, clock } = await make()));
    afterEach(() => store.close());

    it('adds a passkey created now, keeps only the transports WebAuthn names, and lists each user\'s own, oldest first', async () => {
      const first = await store.addPasskey('alice', passkey('YubiKey', 'cred-one'));
      clock.advance(1000);
      const second = await store.addPasskey('alice', passkey('Laptop', 'cred-two'));
      await store.addPasskey('bob', passkey('Bob\'s key', 'cred-bob'));
      expect(first).to.include({ user: 'alice', name: 'YubiKey', credentialId: 'cred-one', counter: 0, createdAt: clock.now() - 1000 });
      expect(first && first.transports).to.deep.equal(['usb', 'nfc']);
      expect(await store.listPasskeys('alice')).to.deep.equal([first, second]);
      expect(await store.getPasskey('alice', first ? first.id : '')).to.deep.equal(first);
      expect(await store.listPasskeys('carol')).to.deep.equal([]);
    });

    it('finds a credential only for the user it belongs to, and refuses the same credential id for anyone again', async () => {
      const alices = await store.addPasskey('alice', passkey('Key', 'shared-cred'));
      expect(await store.findPasskey('alice', 'shared-cred')).to.deep.equal(alices);
      expect(await store.findPasskey('bob', 'shared-cred'), 'another user\'s credential').to.equal(undefined);
      expect(await store.addPasskey('bob', passkey('Stolen', 'shared-cred'))).to.equal(false);
      expect(await store.addPasskey('alice', passkey('Again', 'shared-cred'))).to.equal(false);
      expect(await store.listPasskeys('bob')).to.deep.equal([]);
    });

    it('renames and removes only the user\'s own passkey', async () => {
      const added = await store.addPasskey('alice', passkey('Key', 'cred-r'));
      if (!added) throw new Error('not added');
      expect(await store.renamePasskey('bob', added.id, 'Mine now')).to.equal(false);
      expect(await store.removePasskey('bob', added.id)).to.equal(false);
      expect(await store.renamePasskey('alice', added.id, '  Desk key ')).to.equal(true);
      expect((await store.getPasskey('alice', added.id))?.name).to.equal('Desk key');
      expect(await refusal(store.renamePasskey('alice', added.id, '\u0007'))).to.be.instanceOf(TypeError);
      expect(await store.removePasskey('alice', added.id)).to.equal(true);
      expect(await store.findPasskey('alice', 'cred-r')).to.equal(undefined);
      expect(await store.removePasskey('alice', added.id)).to.equal(false);
    });

    it('records a use only from the counter it was read at (compare-and-set), so two instances cannot both accept', async () => {
      const added = await store.addPasskey('alice', passkey('Key', 'cred-c'));
      if (!added) throw new Error('not added');
      expect(await store.recordPasskeyUse('alice', added.id, 0, 5, 1000)).to.equal(true);
      expect(await store.recordPasskeyUse('alice', added.id, 0, 6, 2000), 'read before the first use was recorded').to.equal(false);
      expect(await store.getPasskey('alice', added.id)).to.include({ counter: 5, lastUsedAt: 1000 });
      expect(await store.recordPasskeyUse('bob', added.id, 5, 6, 2000), 'another user').to.equal(false);
      expect(await store.recordPasskeyUse('alice', added.id, 5, 6, 2000)).to.equal(true);
    });

    it('of two assertions read at the same counter and recorded at once, exactly one is accepted', async () => {
      const added = await store.addPasskey('alice', passkey('Key', 'cred-race'));
      if (!added) throw new Error('not added');
      const both = await Promise.all([store.recordPasskeyUse('alice', added.id, 0, 7, 1000), store.recordPasskeyUse('alice', added.id, 0, 7, 1001)]);
      expect(both.filter(Boolean)).to.have.length(1);
      expect((await store.getPasskey('alice', added.id))?.counter).to.equal(7);
    });

    it('keeps a counter up to 2^32 - 1 and transports as given, read back alike', async () => {
      const added = await store.addPasskey('alice', { ...passkey('Key', 'cred-big'), counter: 0xffffffff, transports: ['internal', 'hybrid'] });
      if (!added) throw new Error('not added');
      expect(await store.getPasskey('alice', added.id)).to.deep.equal(added);
      expect(added.transports).to.deep.equal(['internal', 'hybrid']);
    });

    it('refuses what is no passkey before it reaches the store', async () => {
      for (const bad of [{ credentialId: 'not base64url!' }, { publicKey: '' }, { counter: -1 }, { counter: 2 ** 32 }, { aaguid: 'AAGUID' }, { name: '' }]) {
        expect(await refusal(store.addPasskey('alice', { ...passkey('Key', 'cred-x'), ...bad })), JSON.stringify(bad)).to.be.instanceOf(TypeError);
      }
    });
  });
}
