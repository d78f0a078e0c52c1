import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/** Sessions held at most: past it, opening one drops the one unused the longest, so a benchmark's logins cannot grow memory without bound. */
export const MAX_SESSIONS = 10_000;

export type SessionLimits = {
  /** A session unused for longer than this is gone, as a real gateway's is. */
  idleMs: number;
  max?: number;
  now?: () => number;
};

/**
 * Gateway sessions: an opaque random cookie value names the user it was issued to. Bounded in
 * time (the idle timeout) and in count (MAX_SESSIONS), by lru-cache. Logouts are counted per
 * user, so tests can prove a session factorgate held was ended.
 */
export class Sessions {
  private readonly users: LRUCache<string, string>;
  private readonly loggedOut = new Map<string, number>();

  constructor({ idleMs, max = MAX_SESSIONS, now = Date.now }: SessionLimits) {
    // Each use restarts the idle time (updateAgeOnGet); the clock is read afresh each time (ttlResolution 0).
    this.users = new LRUCache<string, string>({ max, ttl: idleMs, updateAgeOnGet: true, ttlResolution: 0, perf: { now } });
  }

  open(user: string): string {
    const id = randomBytes(32).toString('hex');
    this.users.set(id, user);
    return id;
  }

  /** The session's user, when it is live; using it restarts its idle time. */
  userOf(id: string | undefined): string | undefined {
    return id === undefined ? undefined : this.users.get(id);
  }

  /** A logout: a live session ends and counts as logged out; an idle one is only forgotten. */
  end(id: string | undefined): void {
    if (id === undefined) return;
    const user = this.users.get(id);
    this.users.delete(id);
    if (user !== undefined) this.loggedOut.set(user, (this.loggedOut.get(user) ?? 0) + 1);
  }

  /** Live sessions, of one user or of all. */
  count(user?: string): number {
    return [...this.users.values()].filter((u) => user === undefined || u === user).length;
  }

  logouts(user: string): number {
    return this.loggedOut.get(user) ?? 0;
  }

  clear(): void {
    this.users.clear();
    this.loggedOut.clear();
  }
}
