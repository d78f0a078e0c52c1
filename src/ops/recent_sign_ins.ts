import type { Store } from '../state/store.js';

// Each user's last finished sign-ins (the login's audit line, event login_finished), for the
// administrator's user page and `factorgate admin users show`: one bounded list per user in the
// login state store, so that every instance sharing a Redis writes to and reads the same one, and
// the list expires by itself a while after the user's last sign-in. Only sign-ins whose password
// was proven are kept, so typed names cannot fill the store. No secret is in it: when, how
// it ended, from where, and which provider and way through the flow. Each sign-in is added in
// one store step (appendBounded), so two of one user finishing at the same moment, on one
// instance or two, are both kept.

// A list in the store, oldest first: the key's name changed with its type, so a value an earlier
// version left under `signins:` is never read as one (it expires by itself).
const key = (user: string) => `sign-ins:${encodeURIComponent(user)}`;
/** Entries kept per user, newest first. */
export const RECENT_SIGN_INS = 20;
/** Bounds on what a line carries, whatever the login wrote. */
const MAX_FIELD = 128;
const OUTCOME = /^[a-z0-9_]{1,48}$/;

export type RecentSignIn = {
  /** Epoch ms at which the sign-in ended. */
  at: number;
  outcome: string;
  clientIp: string;
  /** The provider of the last step ('none' when no second factor was asked). */
  provider: string;
  /** The way through the flow, as `factorgate flows check` names it. */
  way: string;
};

/** The fields of a login_finished line this list keeps; anything else in the line is left out. */
export type FinishedLogin = { user?: unknown; outcome?: unknown; clientIp?: unknown; provider?: unknown; flow?: unknown; passwordChecked?: unknown };

const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, MAX_FIELD) : '');

export class RecentSignIns {
  constructor(private readonly store: Store, private readonly options: { keepDays: number; now: () => number; onFailure?: (err: unknown) => void }) {}

  /**
   * Adds one finished login to its user's list. A store that cannot keep it loses the line (and
   * says so through onFailure), never the login.
   */
  record(line: FinishedLogin): Promise<void> {
    if (typeof line.user !== 'string' || line.user === '' || typeof line.outcome !== 'string') return Promise.resolve();
    // Only a user whose password was proven (or who got in) is kept: a name anyone can type, with
    // any password, leaves nothing lasting in the store (test/security/limits.test.ts).
    if (line.outcome !== 'success' && line.passwordChecked !== true) return Promise.resolve();
    const user = line.user;
    const entry: RecentSignIn = {
      at: this.options.now(), outcome: OUTCOME.test(line.outcome) ? line.outcome : 'other',
      clientIp: text(line.clientIp), provider: text(line.provider), way: text(line.flow),
    };
    return this.store.appendBounded(key(user), entry, RECENT_SIGN_INS, this.ttlMs()).then(() => undefined, (err: unknown) => this.options.onFailure?.(err));
  }

  /** The user's sign-ins of the last keepDays days, newest first, at most RECENT_SIGN_INS. */
  async of(user: string): Promise<RecentSignIn[]> {
    const since = this.options.now() - this.ttlMs();
    const list = await this.store.readList<RecentSignIn>(key(user));
    return list.reverse().filter((entry) => entry.at > since).slice(0, RECENT_SIGN_INS);
  }

  private ttlMs(): number {
    return this.options.keepDays * 86_400_000;
  }
}
