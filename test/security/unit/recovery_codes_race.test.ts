import { expect } from 'chai';
import { Keyring } from '../../../src/security/keyring.js';
import { RecoveryCodes } from '../../../src/security/recovery_codes.js';
import type { Store } from '../../../src/state/store.js';
import { overSharedStores, type TwoClients } from '../../helpers/redis_stores.js';

// A recovery code redeemed while an administrator issues a new one (src/security/recovery_codes.ts
// redeem): the login reads the old record and checks the code; the new record is written; then
// the login uses its code. Only the record it checked may go: the new code must stay usable.

const SECRET = 'recovery-race-secret-0123456789-abcdef';

/** The store as the redeeming login sees it: its read answers, then waits until `release` is called. */
function readThenWait(store: Store): { store: Store; read: Promise<void>; release: () => void } {
  let readDone!: () => void;
  let release!: () => void;
  const read = new Promise<void>((resolve) => (readDone = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  const held = Object.assign(Object.create(store) as Store, {
    get: async <T>(key: string): Promise<T | undefined> => {
      const value = await store.get<T>(key);
      readDone();
      await released;
      return value;
    },
  });
  return { store: held, read, release };
}

function issuedWhileRedeeming(name: string, clients: TwoClients): void {
  describe(`recovery codes on ${name}: a code issued while the old one is being redeemed`, () => {
    it('stays usable, and the old code is refused', async () => {
      const [loginStore, adminStore] = await clients();
      const keyring = new Keyring(SECRET);
      const admin = new RecoveryCodes(adminStore, keyring, Date.now);
      const old = await admin.issue('alice', 1);
      const held = readThenWait(loginStore);
      const redeeming = new RecoveryCodes(held.store, keyring, Date.now).redeem('alice', old.code);
      await held.read;
      const fresh = await admin.issue('alice', 1);
      held.release();
      expect(await redeeming, 'the old code, replaced while it was checked').to.equal(false);
      expect(await admin.pending('alice'), 'the new code is still there').to.not.equal(undefined);
      expect(await new RecoveryCodes(loginStore, keyring, Date.now).redeem('alice', fresh.code), 'the new code opens').to.equal(true);
    });

    it('one code presented at once through both clients opens exactly once', async () => {
      const [one, two] = await clients();
      const keyring = new Keyring(SECRET);
      const { code } = await new RecoveryCodes(one, keyring, Date.now).issue('alice', 1);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => new RecoveryCodes(i % 2 ? one : two, keyring, Date.now).redeem('alice', code)));
      expect(results.filter(Boolean)).to.have.length(1);
    });
  });
}

describe('recovery codes: redeemed while replaced (src/security/recovery_codes.ts)', () => {
  overSharedStores('fg-recovery:', issuedWhileRedeeming);
});
