import type { Request, Response } from 'express';
import { ADMIN, ADMIN_COOKIES } from '../http/paths.js';
import { browserOf, otherBrowser } from '../http/browser_binding.js';
import { readCookie } from '../http/request.js';
import { sameToken } from '../security/csrf.js';
import { randomToken } from '../security/keyring.js';
import type { ProviderState } from '../providers/provider.js';
import type { AdminWebDeps } from './deps.js';

// An /admin session: a random id in a signed cookie (Path=/admin, HttpOnly, SameSite=Strict), the
// record in the login state store. It ends after admin.web.sessionIdleMinutes without a request and
// after ABSOLUTE_MS in any case, and holds only for the browser that signed in: the same address
// and User-Agent (a cookie copied elsewhere opens nothing, and ends the session it was taken from).
// `second_factor`: the password was right and a code is owed; only `ready` sees anything.

const PURPOSE = 'admin-session';
const key = (id: string) => `admin:session:${id}`;
const challengeKey = (id: string) => `admin:passkey-signIn:${id}`;

/** However busy, a session ends after a working day: a new sign-in, both factors again. */
export const ABSOLUTE_MS = 8 * 3_600_000;

export type AdminStage = 'second_factor' | 'ready';

export type AdminSession = {
  id: string;
  /** The user's key (src/identity/user_names.ts). */
  user: string;
  stage: AdminStage;
  /** Whether this user is an administrator; decided at the password, told only after both factors. */
  administrator: boolean;
  /** Per-session CSRF token, in a hidden field of every form. */
  csrf: string;
  clientIp: string;
  userAgent: string;
  startedAt: number;
  lastSeenAt: number;
};

type Stored = Omit<AdminSession, 'id'>;

export class AdminSessions {
  private readonly idleMs: number;

  constructor(private readonly deps: Pick<AdminWebDeps, 'store' | 'keyring' | 'clock' | 'cookies' | 'idleMinutes' | 'logger'>) {
    this.idleMs = deps.idleMinutes * 60_000;
  }

  /** A new session under a new id (ASVS 3.2.1: a new token at each authentication step). */
  async start(req: Request, res: Response, user: string, stage: AdminStage, administrator: boolean): Promise<AdminSession> {
    const now = this.deps.clock.now();
    const session: AdminSession = { id: randomToken(), user, stage, administrator, csrf: randomToken(18), ...browserOf(req), startedAt: now, lastSeenAt: now };
    await this.save(session);
    res.cookie(ADMIN_COOKIES.session, this.deps.keyring.sign(PURPOSE, session.id), this.cookieOptions(ABSOLUTE_MS));
    return session;
  }

  /**
   * The live session of the request, its idle clock started again; undefined when there is none
   * (no cookie, not ours, idle too long, too old, ended) or it belongs to another browser.
   */
  async read(req: Request): Promise<AdminSession | undefined> {
    const id = this.idOf(req);
    if (!id) return undefined;
    const record = await this.deps.store.get<Stored>(key(id));
    const now = this.deps.clock.now();
    // The store's TTL runs on its own clock; the deadlines are checked on ours too.
    if (!record || now - record.lastSeenAt >= this.idleMs || now - record.startedAt >= ABSOLUTE_MS) return undefined;
    const elsewhere = otherBrowser(record, req);
    if (elsewhere) {
      // A copied cookie: whoever holds it may hold the password too. The session ends for both.
      await this.deps.store.delete(key(id));
      this.deps.logger.warn({ event: 'admin_session_refused', user: record.user, why: 'other_browser', ...elsewhere },
        'an /admin session cookie came from another browser or address: the session is ended');
      return undefined;
    }
    const session = { ...record, id, lastSeenAt: now };
    await this.save(session);
    return session;
  }

  /**
   * Keeps the passkey challenge of the second step beside the session (a new one replaces the
   * old), living no longer than `ttlMs` nor the session's idle time, so that an answer takes it
   * with one store operation: of two answers to one challenge only one finds it.
   */
  async holdChallenge(session: AdminSession, state: ProviderState, ttlMs: number): Promise<void> {
    await this.deps.store.set(challengeKey(session.id), state, Math.min(ttlMs, this.idleMs));
  }

  /** The session's passkey challenge, gone from the store as it is read: single-use. */
  takeChallenge(session: AdminSession): Promise<ProviderState | undefined> {
    return this.deps.store.take<ProviderState>(challengeKey(session.id));
  }

  /** Ends the request's session, if any, and clears its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    const id = this.idOf(req);
    if (id) await this.deps.store.delete(key(id));
    this.clearCookie(res);
  }

  clearCookie(res: Response): void {
    res.clearCookie(ADMIN_COOKIES.session, this.cookieOptions());
  }

  /** When the session ends at the latest if nothing else happens: idle from now, or its absolute end. */
  deadlineOf(session: AdminSession): number {
    return Math.min(this.deps.clock.now() + this.idleMs, session.startedAt + ABSOLUTE_MS);
  }

  csrfMatches(session: AdminSession, given: unknown): boolean {
    return sameToken(session.csrf, given);
  }

  /** Every attribute of the admin cookies, decided here and nowhere else. */
  cookieOptions(maxAgeMs?: number) {
    return { path: ADMIN, httpOnly: true, secure: this.deps.cookies.secure, sameSite: 'strict', ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }) } as const;
  }

  private async save(session: AdminSession): Promise<void> {
    const { id, ...record } = session;
    await this.deps.store.set<Stored>(key(id), record, Math.min(this.idleMs, session.startedAt + ABSOLUTE_MS - this.deps.clock.now()));
  }

  private idOf(req: Request): string | undefined {
    const cookie = readCookie(req, ADMIN_COOKIES.session);
    return cookie ? this.deps.keyring.verify(PURPOSE, cookie) : undefined;
  }
}
