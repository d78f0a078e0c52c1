import { randomInt } from 'node:crypto';
import type { Store } from '../state/store.js';
import type { Keyring } from './keyring.js';

// One-time recovery codes an administrator issues to a user who has lost every second factor:
// shown once, kept only as a keyed digest (HMAC under the deployment's secret), at most one per
// user (a new one replaces the last), expiring within a day, and gone the moment it is used.
// 100 random bits: a fast keyed digest is enough, as no one can try 2^100 codes, and the limits
// count each wrong one against the user anyway (src/security/limits.ts).

// Crockford's base32 without I, L, O, U: nothing a user can misread or mistype as another letter.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const LENGTH = 20;
const PURPOSE = 'recovery-code';
export const MAX_RECOVERY_HOURS = 24;

export type RecoveryCodeRecord = { digest: string; issuedAt: number; expiresAt: number };

/** What a user typed, or undefined when it cannot be a recovery code (checked before any digest). */
export function normaliseRecoveryCode(typed: unknown): string | undefined {
  if (typeof typed !== 'string' || typed.length > 64) return undefined;
  const code = typed.toUpperCase().replace(/[\s-]/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export class RecoveryCodes {
  constructor(private readonly store: Store, private readonly keyring: Keyring, private readonly now: () => number) {}

  /** A new code for the user, replacing any earlier one; the caller shows it once and keeps it nowhere. */
  async issue(user: string, hours: number): Promise<{ code: string; expiresAt: number }> {
    if (!(hours > 0 && hours <= MAX_RECOVERY_HOURS)) throw new RangeError(`a recovery code lives 1 to ${MAX_RECOVERY_HOURS} hours`);
    const code = Array.from({ length: LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const issuedAt = this.now();
    const expiresAt = issuedAt + hours * 3_600_000;
    await this.store.set<RecoveryCodeRecord>(key(user), { digest: this.digest(user, code), issuedAt, expiresAt }, expiresAt - issuedAt);
    return { code: code.match(/.{4}/g)!.join('-'), expiresAt };
  }

  /** When the user has an unused code, its times (never the code). */
  async pending(user: string): Promise<{ issuedAt: number; expiresAt: number } | undefined> {
    const record = await this.store.get<RecoveryCodeRecord>(key(user));
    return record && record.expiresAt > this.now() ? { issuedAt: record.issuedAt, expiresAt: record.expiresAt } : undefined;
  }

  /**
   * True once for the right code: the record checked is deleted only if it is still the one
   * stored (one step), so two logins presenting it at once cannot both pass, and a code an
   * administrator issued meanwhile stays, the old one refused. A wrong code leaves the right one in place.
   */
  async redeem(user: string, typed: unknown): Promise<boolean> {
    const code = normaliseRecoveryCode(typed);
    if (code === undefined) return false;
    const stored = await this.store.get<RecoveryCodeRecord>(key(user));
    if (!stored || stored.expiresAt <= this.now() || !this.keyring.matchesDigest(PURPOSE, `${user}\0${code}`, stored.digest)) return false;
    return this.store.deleteIfEqual(key(user), stored);
  }

  /** Withdraws the user's unused code; whether there was one. */
  async withdraw(user: string): Promise<boolean> {
    return (await this.store.take(key(user))) !== undefined;
  }

  private digest(user: string, code: string): string {
    // Bound to the user: a code issued to one user is no code for another.
    return this.keyring.digest(PURPOSE, `${user}\0${code}`);
  }
}

const key = (user: string) => `recovery:${user}`;
