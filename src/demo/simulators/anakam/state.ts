import { randomBytes, randomUUID } from 'node:crypto';
import type { Method } from './vocabulary.js';

/**
 * One login at the two-factor server. Its fields are its state, and each command checks the
 * ones it needs, which enforces the order: a method before GET_PARAMS, a live passcode before
 * VERIFY_PASSCODE, authentication before COMPLETE.
 */
export type AuthKeyRecord = {
  authKey: string;
  user: string;
  applicationKey: string;
  expiresAt: number;
  method?: Method;
  passcode?: { value: string; expiresAt: number };
  authenticated: boolean;
};

export type Device = { user: string; expiresAt: number };

type Strikes = { failures: number; lockedUntil?: number };

// Expired keys are kept this long to answer 410 rather than 404, then forgotten (within a minute).
const TOMBSTONE_MS = 60 * 60_000;
/** Old keys are looked for at most this often, as new keys are made. */
const SWEEP_EVERY_MS = 60_000;

/** Everything the simulator remembers, in memory; reset() forgets it all. */
export class AnakamState {
  private readonly keys = new Map<string, AuthKeyRecord>();
  private readonly strikes = new Map<string, Strikes>();
  private readonly devices = new Map<string, Device>();
  private sweptAt = -Infinity;

  createKey(user: string, applicationKey: string, now: number, ttlMs: number): AuthKeyRecord {
    this.forgetOldKeys(now);
    const record: AuthKeyRecord = { authKey: randomUUID(), user, applicationKey, expiresAt: now + ttlMs, authenticated: false };
    this.keys.set(record.authKey, record);
    return record;
  }

  key(authKey: string): AuthKeyRecord | undefined {
    return this.keys.get(authKey);
  }

  /** A completed key is used up: any later call with it is a 404. */
  consume(authKey: string): void {
    this.keys.delete(authKey);
  }

  lockedUntil(user: string, now: number): number | undefined {
    const s = this.strikes.get(user);
    if (s?.lockedUntil === undefined) return undefined;
    if (s.lockedUntil > now) return s.lockedUntil;
    this.strikes.delete(user); // the lock has run out: a clean slate
    return undefined;
  }

  /** Counts a wrong passcode; at `max` in a row the user is locked and every live passcode of theirs dies. */
  strike(user: string, now: number, max: number, lockMs: number): { locked: true } | { locked: false; attemptsRemaining: number } {
    const s = this.strikes.get(user) ?? { failures: 0 };
    s.failures += 1;
    this.strikes.set(user, s);
    if (s.failures < max) return { locked: false, attemptsRemaining: max - s.failures };
    this.strikes.set(user, { failures: 0, lockedUntil: now + lockMs });
    for (const record of this.keys.values()) if (record.user === user) delete record.passcode;
    return { locked: true };
  }

  clearStrikes(user: string): void {
    this.strikes.delete(user);
  }

  registerDevice(user: string, expiresAt: number): string {
    // 256 random bits, URL- and cookie-safe.
    const deviceKey = randomBytes(32).toString('base64url');
    this.devices.set(deviceKey, { user, expiresAt });
    return deviceKey;
  }

  device(deviceKey: string): Device | undefined {
    return this.devices.get(deviceKey);
  }

  forgetDevice(deviceKey: string): void {
    this.devices.delete(deviceKey);
  }

  reset(): void {
    this.keys.clear();
    this.strikes.clear();
    this.devices.clear();
  }

  // A walk over every key per new key was quadratic in a long benchmark (100,000 logins waiting):
  // once a minute of the simulator's clock is as good for memory.
  private forgetOldKeys(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [authKey, record] of this.keys) if (record.expiresAt + TOMBSTONE_MS < now) this.keys.delete(authKey);
  }
}
