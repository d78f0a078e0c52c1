import type { Request, RequestHandler, Response } from 'express';
import { FactorgateError } from '../errors.js';
import type { Logger } from '../log.js';
import { sameToken } from '../security/csrf.js';
import { randomToken, type Keyring } from '../security/keyring.js';
import type { Store } from '../state/store.js';
import type { Clock } from '../clock.js';
import { browserOf, otherBrowser } from './browser_binding.js';
import { body, client, readCookie } from './request.js';

// A session of one of factorgate's own portals (/manageotp, /admin): a random id in a signed
// cookie, the record in the state store (so several instances share it), a CSRF token for its
// forms, and bound to the browser that started it (src/http/browser_binding.ts): a cookie from
// another address or User-Agent opens nothing and ends the session. `second_factor`: the password
// was right and a second factor is still owed; only `ready` may see or change anything. A
// session's open WebAuthn challenges live beside it, each under its own key, so that an answer
// takes one with a single store operation (read and delete at once): of two answers only one finds it.

export type Stage = 'second_factor' | 'ready';

export type PortalSessionBase = {
  id: string;
  /** The user's key (src/identity/user_names.ts), never the spelling typed. */
  user: string;
  stage: Stage;
  /** Per-session CSRF token, in a hidden field of every form. */
  csrf: string;
  clientIp: string;
  /** The User-Agent that started the session, bounded; with clientIp, the browser it is bound to. */
  userAgent: string;
  startedAt: number;
  lastSeenAt: number;
  /** Epoch ms: the absolute end (ASVS 3.3.2), whatever happens before it. */
  expiresAt: number;
};

/** What sets one portal's sessions apart from the other's. */
export type PortalSessionPolicy = {
  /** The portal's name: its store keys' prefix and its log events' (`NAME_session_refused`, `NAME_signout`). */
  name: string;
  /** The keyring purpose the cookie's value is signed under. */
  purpose: string;
  cookie: { name: string; path: string; secure: boolean; sameSite: 'lax' | 'strict' };
  /** However busy, a session ends this long after it started. */
  absoluteMs: number;
  /** A session ends after this long without a request; none: only the absolute end. */
  idleMs?: number;
};

export type PortalSessionDeps = { store: Store; keyring: Keyring; clock: Clock; logger: Logger };

type Stored<S> = Omit<S, 'id'>;

/** The portal's own fields of a new session: optional where the portal has none that are required. */
type OwnFields<S> = Record<string, never> extends Omit<S, keyof PortalSessionBase> ? [Omit<S, keyof PortalSessionBase>?] : [Omit<S, keyof PortalSessionBase>];

/** `S` the portal's session (PortalSessionBase and its own fields), `C` its kinds of WebAuthn challenge. */
export class PortalSessions<S extends PortalSessionBase, C extends Record<string, unknown>> {
  constructor(private readonly policy: PortalSessionPolicy, private readonly deps: PortalSessionDeps) {}

  /** A new session under a new id (ASVS 3.2.1: a new token at each authentication step). */
  async start(req: Request, res: Response, user: string, stage: Stage, ...given: OwnFields<S>): Promise<S> {
    const own = given[0] ?? {};
    const now = this.deps.clock.now();
    const base: PortalSessionBase = { id: randomToken(), user, stage, csrf: randomToken(18), ...browserOf(req), startedAt: now, lastSeenAt: now, expiresAt: now + this.policy.absoluteMs };
    const session = { ...own, ...base } as S;
    await this.deps.store.set<Stored<S>>(this.key(session.id), withoutId(session), this.ttlOf(session, Infinity));
    res.cookie(this.policy.cookie.name, this.deps.keyring.sign(this.policy.purpose, session.id), this.cookieOptions(this.policy.absoluteMs));
    return session;
  }

  /**
   * The live session of the request (with an idle limit, its idle clock started again); undefined
   * when there is none (no cookie, not ours, idle too long, past its end, ended) or it belongs to
   * another browser.
   */
  async read(req: Request): Promise<S | undefined> {
    const id = this.idOf(req);
    if (!id) return undefined;
    const record = await this.deps.store.get<Stored<S>>(this.key(id));
    const now = this.deps.clock.now();
    // The store's TTL runs on its own clock; the deadlines are checked on ours too.
    if (!record || record.expiresAt <= now || (this.policy.idleMs !== undefined && now - record.lastSeenAt >= this.policy.idleMs)) return undefined;
    const elsewhere = otherBrowser(record, req);
    if (elsewhere) {
      // A copied cookie: whoever holds it may hold the password too. The session ends for both.
      await this.deps.store.delete(this.key(id));
      this.deps.logger.warn({ event: `${this.policy.name}_session_refused`, user: record.user, why: 'other_browser', ...elsewhere },
        `a ${this.policy.cookie.path} session cookie came from another browser or address: the session is ended`);
      return undefined;
    }
    const session = { ...record, id } as S;
    if (this.policy.idleMs === undefined) return session;
    session.lastSeenAt = now;
    // A sign-out or a refusal that ended the session since it was read wins: it stays ended.
    return (await this.save(session)) ? session : undefined;
  }

  /**
   * Writes a changed session back, keeping its end; false when the session has ended meanwhile
   * (signed out, refused, past its end), which a write never brings back.
   */
  async save(session: S): Promise<boolean> {
    const ttl = this.ttlOf(session, Infinity);
    if (ttl <= 0) return false;
    return this.deps.store.setIfPresent<Stored<S>>(this.key(session.id), withoutId(session), ttl);
  }

  /** When the session ends at the latest if nothing else happens: idle from now, or its absolute end. */
  deadlineOf(session: S): number {
    return this.deps.clock.now() + this.ttlOf(session, Infinity);
  }

  /** Keeps a challenge for this session (a new one replaces the old), living no longer than `ttlMs` nor the session. */
  async holdChallenge<K extends keyof C & string>(session: S, kind: K, value: C[K], ttlMs: number): Promise<void> {
    const ttl = this.ttlOf(session, ttlMs);
    if (ttl > 0) await this.deps.store.set(this.challengeKey(session.id, kind), value, ttl);
  }

  /** The session's challenge of that kind, gone from the store as it is read: single-use. */
  takeChallenge<K extends keyof C & string>(session: S, kind: K): Promise<C[K] | undefined> {
    return this.deps.store.take<C[K]>(this.challengeKey(session.id, kind));
  }

  /** Ends the request's session, if any, and clears its cookie. */
  async end(req: Request, res: Response): Promise<void> {
    const id = this.idOf(req);
    if (id) await this.deps.store.delete(this.key(id));
    this.clearCookie(res);
  }

  /** Whether the request brought a session cookie this portal signed, live or not: "your session has ended" is said only to such a browser. */
  presented(req: Request): boolean {
    return this.idOf(req) !== undefined;
  }

  clearCookie(res: Response): void {
    res.clearCookie(this.policy.cookie.name, this.cookieOptions());
  }

  csrfMatches(session: S, given: unknown): boolean {
    return sameToken(session.csrf, given);
  }

  /** Every attribute of the portal's cookies, decided here and nowhere else: its path only, no script, same site. */
  cookieOptions(maxAgeMs?: number) {
    const { path, secure, sameSite } = this.policy.cookie;
    return { path, httpOnly: true, secure, sameSite, ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }) } as const;
  }

  /** What is left of the session, at most `cap`: to its end, and with an idle limit no more than that. */
  private ttlOf(session: S, cap: number): number {
    return Math.min(cap, session.expiresAt - this.deps.clock.now(), this.policy.idleMs ?? Infinity);
  }

  private key(id: string): string {
    return `${this.policy.name}:session:${id}`;
  }

  private challengeKey(id: string, kind: string): string {
    return `${this.policy.name}:passkey-${kind}:${id}`;
  }

  private idOf(req: Request): string | undefined {
    const cookie = readCookie(req, this.policy.cookie.name);
    return cookie ? this.deps.keyring.verify(this.policy.purpose, cookie) : undefined;
  }
}

/**
 * POST .../signout of a portal, from either stage: the record deleted, the cookie cleared, one log
 * line, and back to the portal's first page, which says so (`done`).
 */
export function portalSignOut<S extends PortalSessionBase>(
  sessions: PortalSessions<S, Record<string, unknown>>, options: { name: string; logger: Logger; done: (res: Response) => void },
): RequestHandler {
  return async (req, res) => {
    const session = await sessions.read(req);
    if (session && !sessions.csrfMatches(session, body(req).csrf)) {
      throw new FactorgateError('csrf', `${options.name} sign-out without the session's token`, { user: session.user });
    }
    await sessions.end(req, res);
    if (session) options.logger.info({ event: `${options.name}_signout`, user: session.user, clientIp: client(req).ip }, `${options.name} session ended by its user`);
    options.done(res);
  };
}

function withoutId<S extends PortalSessionBase>(session: S): Stored<S> {
  const { id: _id, ...record } = session;
  return record;
}
