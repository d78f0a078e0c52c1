import { createHash } from 'node:crypto';
import type { Store } from '../state/store.js';
import type { Challenge, FailReason, ProviderState } from '../providers/provider.js';
import type { EngineState } from '../flows/index.js';
import { FactorgateError } from '../errors.js';
import type { HeldSessions } from '../gateway/held_sessions.js';

// The login record: the server-side state of one login in progress. The browser holds only a
// signed handle to it. Every state a login can be in, and every move between them, are here:
//
//   started ──► awaiting_answer ──► second_factor_passed ──► (replayed; the record is deleted)
//      │          │    ▲ a wrong answer, a resend, the next factor      │
//      │          └────┘                                                │
//      └── the flow done at once (a remembered device) ─────────────────┘
//   any refusal or error: the record is deleted at once, so its handle can never be used again.
//
// Only awaiting_answer is ever stored: a login that started is either waiting for its user or
// over within the same request, and a passed second factor is replayed in the request that passed it.

export type LoginState = 'started' | 'awaiting_answer' | 'second_factor_passed';

const transitions: Record<LoginState, readonly LoginState[]> = {
  started: ['awaiting_answer', 'second_factor_passed'],
  awaiting_answer: ['awaiting_answer', 'second_factor_passed'],
  second_factor_passed: [],
};

export function assertTransition(from: LoginState, to: LoginState): void {
  if (!transitions[from].includes(to)) throw new FactorgateError('wrong_state', `illegal login transition ${from} -> ${to}`);
}

/** What the user is asked while the login waits: a factor's form, or an action's challenge. */
export type OpenStep = { kind: 'form'; factor: string }
  /** ways: the later policies offered with the challenge ("Other options"), decided when it opened. */
  | { kind: 'challenge'; challenge: Challenge; ways?: number[] };

/** Which way the second factor went, for the audit line and the metrics (few values). */
export type LoginPath = 'none' | 'device' | 'passcode' | 'push' | 'code' | 'webauthn' | 'recovery';

export type LoginRecord = {
  id: string;
  state: LoginState;
  /** The user's key (src/identity/user_names.ts): what limits, devices and providers know the user by. */
  username: string;
  /** The realm the typed name carried, as users.realmNames lists it; '' for none. */
  realm: string;
  /** The name the replay posts to the gateway (users.gatewayName). */
  gatewayName: string;
  /** First-factor password, sealed (sealed_credentials.ts). */
  sealedPassword: string;
  /** The token PIN, when the login page asked for one (LinOTP otppin 0); sealed the same way. */
  sealedPin?: string;
  clientIp: string;
  userAgent?: string;
  /** The provider of the step in progress or last run; 'none' before the first. */
  provider: string;
  /** Provider-private data (the two-factor server's auth key): server-side only. */
  providerState: ProviderState;
  /** What the user is asked now; present exactly while the login awaits an answer. */
  open?: OpenStep;
  /** Where the login stands in its flow (src/flows/engine.ts); absent only before the flow starts. */
  flow?: EngineState;
  path: LoginPath;
  /** The way through the flow, as `factorgate flows check` names it, once the login has ended. */
  flowPath?: string;
  /** What the rules know from the first request: the remembered-device cookie. */
  device: { presented: boolean; accepted: boolean };
  /** The remembered-device credential from a cookie that opened, sealed like the password. */
  sealedDevice?: string;
  /** The password is known to be right (LDAP_BIND, GATEWAY_PASSWORD, or a check before an enrolment); else only the gateway's replay checks it. */
  passwordChecked?: boolean;
  /** GATEWAY_PASSWORD opened a gateway session that is held for this login (gateway/held_sessions.ts). */
  sessionHeld?: boolean;
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

/** The open challenge of a waiting login, if a challenge is what is open. */
export const openChallenge = (record: LoginRecord): Challenge | undefined => (record.open?.kind === 'challenge' ? record.open.challenge : undefined);

/** The factor whose form is open, if a form is what is open. */
export const openForm = (record: LoginRecord): string | undefined => (record.open?.kind === 'form' ? record.open.factor : undefined);

const key = (id: string) => `login:${id}`;
const supersededKey = (csrf: string) => `superseded:${createHash('sha256').update(csrf).digest('base64url')}`;
// A list in the store (appendBounded): the key's name changed with its type, so a value an earlier
// version left under `pushes:` is never read as one.
const openPushesKey = (user: string) => `open-pushes:${createHash('sha256').update(user).digest('base64url')}`;
/** A user's logins with a push open that are remembered; the pushes per user are limited well below this. */
const MAX_OPEN_PUSHES = 16;

/** Persists login records with a TTL equal to what is left of the login's deadline. */
export class LoginRecords {
  constructor(private readonly store: Store, private readonly now: () => number, private readonly heldSessions?: HeldSessions) {}

  async load(id: string): Promise<LoginRecord | undefined> {
    const record = await this.store.get<LoginRecord>(key(id));
    return record && record.deadline > this.now() ? record : undefined;
  }

  /** Moves the record to `next` and, when the login waits for its user, stores it. */
  async save(record: LoginRecord, next: 'awaiting_answer'): Promise<void> {
    assertTransition(record.state, next);
    record.state = next;
    const ttl = record.deadline - this.now();
    if (ttl <= 0) return this.remove(record.id, 'login_expired');
    await this.store.set(key(record.id), record, ttl);
  }

  /** The second factor held: the replay follows in this request, so this state is never stored. */
  passed(record: LoginRecord): void {
    assertTransition(record.state, 'second_factor_passed');
    record.state = 'second_factor_passed';
  }

  /**
   * Wipes the record, and with it the sealed credentials; a gateway session still held for it
   * (not handed over to the browser) is logged out at the gateway.
   */
  async remove(id: string, why: string): Promise<void> {
    await this.store.delete(key(id));
    await this.heldSessions?.end(id, why);
  }

  /** Up to `max` logins waiting for their users now, for the administrator's list (never on a login's path). */
  async live(max: number): Promise<LoginRecord[]> {
    return (await this.waiting({ count: max, read: max })).records;
  }

  /**
   * The logins waiting now, for the administrator's pages (never on a login's path), within two
   * bounds however many wait: up to `count` are counted by their keys alone, and of those only
   * the first `read` records are loaded (a record is the costly part: it holds the sealed
   * password and the flow). `counted` below `count` is every login waiting.
   */
  async waiting(bounds: { count: number; read: number }): Promise<{ counted: number; records: LoginRecord[] }> {
    const keys = await this.store.keys(key(''), bounds.count);
    const records = await Promise.all(keys.slice(0, bounds.read).map((k) => this.load(k.slice(key('').length))));
    return { counted: keys.length, records: records.filter((record): record is LoginRecord => record !== undefined) };
  }

  /**
   * A login this browser left for a newer one (begun in another tab): its token is kept, hashed,
   * until its deadline, so that a post still carrying it is told where the sign-in went.
   */
  async supersede(record: LoginRecord): Promise<void> {
    const ttl = record.deadline - this.now();
    if (ttl > 0) await this.store.set(supersededKey(record.csrf), 1, ttl);
  }

  async wasSuperseded(csrf: unknown): Promise<boolean> {
    if (typeof csrf !== 'string' || csrf === '' || csrf.length > 128) return false;
    return (await this.store.get<number>(supersededKey(csrf))) !== undefined;
  }

  /**
   * This login has a push open: a later login of the same user finds it (takeOpenPushes). One
   * store step, so two logins of the user noting theirs at once on two instances are both kept.
   */
  async notePush(record: Readonly<LoginRecord>): Promise<void> {
    const ttl = record.deadline - this.now();
    if (ttl <= 0) return;
    // Every login lives as long, so the newest one's deadline is the list's. A login is noted
    // once per push, just after it took the list (itself included), so it is never listed twice.
    await this.store.appendBounded(openPushesKey(record.username), record.id, MAX_OPEN_PUSHES, ttl);
  }

  /**
   * The ids of the user's other logins noted with a push, and the list emptied: each is looked at
   * once (the login asking notes its own push again once sent).
   */
  async takeOpenPushes(user: string, exceptId: string): Promise<string[]> {
    const ids = await this.store.takeList<string>(openPushesKey(user));
    return ids.filter((id) => id !== exceptId);
  }

  /** A short lock so two posts for the same login cannot run its callouts at once. */
  async lock(id: string, ttlMs: number): Promise<boolean> {
    return this.store.setIfAbsent(`lock:${id}`, 1, ttlMs);
  }

  async unlock(id: string): Promise<void> {
    await this.store.delete(`lock:${id}`);
  }
}
