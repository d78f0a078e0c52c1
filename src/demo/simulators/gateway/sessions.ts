import { randomBytes } from 'node:crypto';

type Session = { user: string; lastUsed: number };

/**
 * Gateway sessions: an opaque random cookie value names the user it was issued to. With an idle
 * timeout, a session unused for longer is gone, as a real gateway's is. Logouts are counted per
 * user, so tests can prove a session factorgate held was ended.
 */
export class Sessions {
  private readonly byId = new Map<string, Session>();
  private readonly loggedOut = new Map<string, number>();

  constructor(private readonly idleMs: number | undefined, private readonly now: () => number = Date.now) {}

  open(user: string): string {
    const id = randomBytes(32).toString('hex');
    this.byId.set(id, { user, lastUsed: this.now() });
    return id;
  }

  /** The session's user, when it is live; using it restarts its idle time. */
  userOf(id: string | undefined): string | undefined {
    const session = id === undefined ? undefined : this.byId.get(id);
    if (!session || !this.live(session)) return undefined;
    session.lastUsed = this.now();
    return session.user;
  }

  /** A logout: a live session ends and counts as logged out. */
  end(id: string | undefined): void {
    const session = id === undefined ? undefined : this.byId.get(id);
    if (!session) return;
    this.byId.delete(id!);
    if (this.live(session)) this.loggedOut.set(session.user, (this.loggedOut.get(session.user) ?? 0) + 1);
  }

  /** Live sessions, of one user or of all. */
  count(user?: string): number {
    return [...this.byId.values()].filter((s) => this.live(s) && (user === undefined || s.user === user)).length;
  }

  logouts(user: string): number {
    return this.loggedOut.get(user) ?? 0;
  }

  clear(): void {
    this.byId.clear();
    this.loggedOut.clear();
  }

  private live(session: Session): boolean {
    return this.idleMs === undefined || this.now() - session.lastUsed < this.idleMs;
  }
}
