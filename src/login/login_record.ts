import type { Store } from '../state/store.js';
import type { Challenge, FailReason, ProviderState } from '../providers/provider.js';
import type { EngineState } from '../flows/index.js';
import { assertTransition, type LoginState } from './states.js';
import type { Keyring } from '../security/keyring.js';
import { FactorgateError } from '../errors.js';

/** Server-side state of one login in progress. The browser holds only a signed handle to it. */
export type LoginRecord = {
  id: string;
  state: LoginState;
  /** The user's key (src/identity/user_names.ts): what limits, devices and providers know the user by. */
  username: string;
  /** The realm the typed name carried, as users.realmNames lists it; '' for none. */
  realm: string;
  /** The name the replay posts to the gateway (users.gatewayName). */
  gatewayName: string;
  /** First-factor password, AES-GCM sealed with the record id as associated data. */
  sealedPassword: string;
  /** The token PIN, when the login page asked for one (LinOTP otppin 0); sealed the same way. */
  sealedPin?: string;
  clientIp: string;
  userAgent?: string;
  /** The provider of the step in progress or last run; 'none' before the first. */
  provider: string;
  /** Provider-private data (the two-factor server's auth key): server-side only. */
  providerState: ProviderState;
  challenge?: Challenge;
  /** Where the login stands in its flow (src/flows/engine.ts); absent only before the flow starts. */
  flow?: EngineState;
  /** The factor whose form the user is asked to fill in, when that is the open step. */
  asking?: string;
  /** Which way the second factor went, for the audit line and the metrics (few values). */
  path: 'none' | 'device' | 'passcode' | 'push' | 'code';
  /** The way through the flow, as `factorgate flows check` names it, once the login has ended. */
  flowPath?: string;
  /** What the rules know from the first request: the remembered-device cookie. */
  device: { presented: boolean; accepted: boolean };
  /** The remembered-device credential from a cookie that opened, sealed like the password. */
  sealedDevice?: string;
  /** The password is known to be right (LDAP_BIND, or the check before an enrolment); else only the gateway's replay checks it. */
  passwordChecked?: boolean;
  /** The user's directory groups, once LDAP_BIND has read them. */
  groups?: string[];
  /** The provider the providers section's policies choose (the rule name providers.choice). */
  choice: string;
  /** Why the last action failed, for the error when no policy of a factor wins. */
  lastFailure?: FailReason | 'first_factor';
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

export function sealDevice(id: string, credential: string, keyring: Keyring): string {
  return keyring.seal(credential, `device:${id}`);
}

export function openDevice(record: LoginRecord, keyring: Keyring): string | undefined {
  return record.sealedDevice === undefined ? undefined : keyring.open(record.sealedDevice, `device:${record.id}`);
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
