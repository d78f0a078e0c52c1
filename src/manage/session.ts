import type { Request, Response } from 'express';
import { browserOf, otherBrowser } from '../http/browser_binding.js';
import { randomToken } from '../security/keyring.js';
import { sameToken } from '../security/csrf.js';
import { ManageCookies, SESSION_COOKIE, readCookie } from './cookies.js';
import { SESSION_TTL_MS, type ManageDeps } from './deps.js';

// A portal session: a random id in a signed cookie, the record in the state store (so several
// instances share it). It holds only for the browser that started it (src/http/browser_binding.ts):
// a cookie from another address or User-Agent opens nothing and ends the session. `second_factor`: the password was right and a code from one of the user's
// devices is still owed; only `ready` may see or change devices.

const PURPOSE = 'manageotp-session';
const key = (id: string) => `manageotp:session:${id}`;
const challengeKey = (id: string, kind: keyof PasskeyChallenges) => `manageotp:passkey-${kind}:${id}`;

export type Stage = 'second_factor' | 'ready';

export type PortalSession = {
  id: string;
  /** The user's key (src/identity/user_names.ts), never the spelling typed. */
  user: string;
  stage: Stage;
  /** Per-session CSRF token, in a hidden field of every form. */
  csrf: string;
  clientIp: string;
  /** The User-Agent that started the session, bounded; with clientIp, the browser it is bound to. */
  userAgent: string;
  /** Epoch ms; absolute (ASVS 3.3.2). */
  expiresAt: number;
  /** The pending device this session added, whose QR code it alone may show. */
  enrolling?: string;
};

/**
 * A session's open WebAuthn challenges, each kept beside the session under its own key, so that
 * an answer takes it with one store operation (read and delete at once): of two answers to one
 * challenge, however close, only one finds it.
 */
export type PasskeyChallenges = {
  /** The passkey this session asked the browser to make: its challenge, name and deadline. */
  registration: { challenge: string; name: string; expiresAt: number };
  /** The challenge of the sign-in's second step (the WebAuthn provider's state). */
  signIn: Record<string, string | number | boolean | undefined>;
};

type StoredSession = Omit<PortalSession, 'id'>;

export class PortalSessions {
  private readonly cookies: ManageCookies;

  constructor(private readonly deps: Pick<ManageDeps, 'sessions' | 'keyring' | 'clock' | 'cookies' | 'logger'>) {
    this.cookies = new ManageCookies(deps.cookies);
  }

  /** A new session under a new id (ASVS 3.2.1: a new token at each authentication step). */
  async start(req: Request, res: Response, user: string, stage: Stage): Promise<PortalSession> {
    const id = randomToken();
    const session: PortalSession = { id, user, stage, csrf: randomToken(18), ...browserOf(req), expiresAt: this.deps.clock.now() + SESSION_TTL_MS };
    await this.save(session);
    this.cookies.setSession(res, this.deps.keyring.sign(PURPOSE, id));
    return session;
  }

  /** The live session of the request, or undefined (no cookie, not ours, expired, ended, or another browser's). */
  async read(req: Request): Promise<PortalSession | undefined> {
    const id = this.idOf(req);
    if (!id) return undefined;
    const record = await this.deps.sessions.get<StoredSession>(key(id));
    // The store's TTL runs on its own clock; the record's deadline is checked on ours too.
    if (!record || record.expiresAt <= this.deps.clock.now()) return undefined;
    const elsewhere = otherBrowser(record, req);
    if (elsewhere) {
      // A copied cookie: whoever holds it may hold the password too. The session ends for both.
      await this.deps.sessions.delete(key(id));
      this.deps.logger.warn({ event: 'manageotp_session_refused', user: record.user, why: 'other_browser', ...elsewhere },
        'a /manageotp session cookie came from another browser or address: the session is ended');
      return undefined;
    }
    return { ...record, id };
  }

  /** Writes a changed session back, keeping its original deadline. */
  async save(session: PortalSession): Promise<void> {
    const ttl = session.expiresAt - this.deps.clock.now();
    if (ttl <= 0) return;
    const { id, ...record } = session;
    await this.deps.sessions.set<StoredSession>(key(id), record, ttl);
  }

  /** Keeps a challenge for this session (a new one replaces the old), living no longer than `ttlMs` nor the session. */
  async holdChallenge<K extends keyof PasskeyChallenges>(session: PortalSession, kind: K, value: PasskeyChallenges[K], ttlMs: number): Promise<void> {
    const ttl = Math.min(ttlMs, session.expiresAt - this.deps.clock.now());
    if (ttl > 0) await this.deps.sessions.set(challengeKey(session.id, kind), value, ttl);
  }

  /** The session's challenge of that kind, gone from the store as it is read: single-use. */
  takeChallenge<K extends keyof PasskeyChallenges>(session: PortalSession, kind: K): Promise<PasskeyChallenges[K] | undefined> {
    return this.deps.sessions.take<PasskeyChallenges[K]>(challengeKey(session.id, kind));
  }

  /** Ends the request's session, if any, and clears its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    const id = this.idOf(req);
    if (id) await this.deps.sessions.delete(key(id));
    this.clearCookie(res);
  }

  clearCookie(res: Response): void {
    this.cookies.clearSession(res);
  }

  csrfMatches(session: PortalSession, given: unknown): boolean {
    return sameToken(session.csrf, given);
  }

  private idOf(req: Request): string | undefined {
    const cookie = readCookie(req, SESSION_COOKIE);
    return cookie ? this.deps.keyring.verify(PURPOSE, cookie) : undefined;
  }
}
