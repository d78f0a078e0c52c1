import { expect } from 'chai';
import { Keyring } from '../../../src/security/keyring.js';
import { normaliseRecoveryCode, RecoveryCodes } from '../../../src/security/recovery_codes.js';
import { MemoryStore } from '../../../src/state/memory_store.js';
import { FakeClock } from '../../helpers/clock.js';

const SECRET = 'recovery-test-secret-0123456789-abcdef';
const HOUR = 3_600_000;

describe('recovery codes (src/security/recovery_codes.ts)', () => {
  let clock: FakeClock;
  let store: MemoryStore;
  let codes: RecoveryCodes;
  beforeEach(() => {
    clock = new FakeClock();
    store = new MemoryStore(clock);
    codes = new RecoveryCodes(store, new Keyring(SECRET), () => clock.now());
  });
  afterEach(() => store.close());

  it('issues 20 characters of an unambiguous alphabet in groups of four, kept only as a digest', async () => {
    const { code, expiresAt } = await codes.issue('alice', 24);
    expect(code).to.match(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){4}$/);
    expect(expiresAt).to.equal(clock.now() + 24 * HOUR);
    const stored = JSON.stringify(await store.get('recovery:alice'));
    expect(stored).not.to.contain(code.replace(/-/g, ''));
    expect(stored).not.to.contain(code);
  });

  it('works once: the right code is taken, and the same code then fails', async () => {
    const { code } = await codes.issue('alice', 1);
    expect(await codes.redeem('alice', code)).to.equal(true);
    expect(await codes.redeem('alice', code)).to.equal(false);
    expect(await codes.pending('alice')).to.equal(undefined);
  });

  it('of two logins presenting it at the same moment, only one passes', async () => {
    const { code } = await codes.issue('alice', 1);
    const results = await Promise.all(Array.from({ length: 5 }, () => codes.redeem('alice', code)));
    expect(results.filter(Boolean)).to.have.length(1);
  });

  it('a wrong code leaves the right one usable; another user\'s code is none for this one', async () => {
    const { code } = await codes.issue('alice', 1);
    const bobs = await codes.issue('bob', 1);
    expect(await codes.redeem('alice', 'AAAA-BBBB-CCCC-DDDD-EEEE')).to.equal(false);
    expect(await codes.redeem('alice', bobs.code)).to.equal(false);
    expect(await codes.redeem('alice', code)).to.equal(true);
  });

  it('is refused at its expiry, and a new code replaces the last', async () => {
    const first = await codes.issue('alice', 1);
    const second = await codes.issue('alice', 1);
    expect(await codes.redeem('alice', first.code), 'replaced').to.equal(false);
    clock.advance(HOUR);
    expect(await codes.redeem('alice', second.code), 'expired').to.equal(false);
  });

  it('lives at most 24 hours', async () => {
    for (const hours of [0, -1, 25, Number.NaN]) {
      await codes.issue('alice', hours).then(() => expect.fail(`issued for ${hours} h`), (err: unknown) => expect(err).to.be.instanceOf(RangeError));
    }
  });

  it('still opens after a key rotation while the old secret is listed', async () => {
    const { code } = await codes.issue('alice', 1);
    const rotated = new RecoveryCodes(store, new Keyring('a-new-secret-for-the-rotation-0123456789', [SECRET]), () => clock.now());
    expect(await rotated.redeem('alice', code)).to.equal(true);
  });

  it('reads what a user types: either case, spaces or dashes; anything else is no code, unchecked', () => {
    expect(normaliseRecoveryCode('abcd-efgh 0123-4567-89xz')).to.equal('ABCDEFGH0123456789XZ');
    for (const typed of [undefined, 42, '', 'ABCD', 'ABCD-EFGH-0123-4567-89XI', 'A'.repeat(65), 'ABCDEFGH0123456789XZ0']) {
      expect(normaliseRecoveryCode(typed), String(typed)).to.equal(undefined);
    }
  });
});
