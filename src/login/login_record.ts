import type { Store } from '../state/store.js';
import type { Challenge, ProviderState } from '../providers/provider.js';
import { assertTransition, type LoginState } from './states.js';
import type { Keyring } from '../security/keyring.js';
import { FactorgateError } from '../errors.js';

/** Server-side state of one login in progress. The browser holds only a signed handle to it. */
export type LoginRecord = {
  id: string;
  state: LoginState;
  username: string;
  /** First-factor password, AES-GCM sealed with the record id as associated data. */
  sealedPassword: string;
  /** The token PIN, when the login page asked for one (LinOTP otppin 0); sealed the same way. */
  sealedPin?: string;
  clientIp: string;
  userAgent?: string;
  provider: string;
  /** Provider-private data (the two-factor server's auth key): server-side only. */
  providerState: ProviderState;
  challenge?: Challenge;
  /** Which way the second factor went, for the audit line. */
  path: 'device' | 'passcode' | 'push' | 'code';
  /** Token every later post of this login must carry (CSRF). */
  csrf: string;
  wrongAnswers: number;
  resends: number;
  createdAt: number;
  deadline: number;
};

const key = (id: string) => `login:${id}`;

/** The first-factor password, opened from its sealed copy; only the replay and LinOTP's otppin=1 need it. */
export function openPassword(record: LoginRecord, keyring: Keyring): string {
  const password = keyring.open(record.sealedPassword, key(record.id));
  if (password === undefined) throw new FactorgateError('internal', 'sealed credentials could not be opened');
  return password;
}

export function sealPassword(id: string, password: string, keyring: Keyring): string {
  return keyring.seal(password, key(id));
}

export function sealPin(id: string, pin: string, keyring: Keyring): string {
  return keyring.seal(pin, `pin:${id}`);
}

export function openPin(record: LoginRecord, keyring: Keyring): string | undefined {
  return record.sealedPin === undefined ? undefined : keyring.open(record.sealedPin, `pin:${record.id}`);
}

/** Persists login records with a TTL equal to what is left of the login's deadline. */
export class LoginRecords {
  constructor(private readonly store: Store, private readonly now: () => number) {}

  async load(id: string): Promise<LoginRecord | undefined> {
    const record = await this.store.get<LoginRecord>(key(id));
    return record && record.deadline > this.now() ? record : undefined;
  }

  async save(record: LoginRecord, next: LoginState): Promise<void> {
    assertTransition(record.state, next);
    record.state = next;
    const ttl = record.deadline - this.now();
    if (ttl <= 0) return this.remove(record.id);
    await this.store.set(key(record.id), record, ttl);
  }

  /** Wipes the record, and with it the sealed credentials. */
  async remove(id: string): Promise<void> {
    await this.store.delete(key(id));
  }

  /** A short lock so two posts for the same login cannot run its callouts at once. */
  async lock(id: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(`lock:${id}`, 1, ttlMs);
  }

  async unlock(id: string): Promise<void> {
    await this.store.delete(`lock:${id}`);
  }
}
