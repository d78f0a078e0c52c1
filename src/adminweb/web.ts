import type { Request, RequestHandler, Response } from 'express';
import type { AdminDeps } from '../admin/deps.js';
import { FactorgateError } from '../errors.js';
import { ADMIN } from '../http/paths.js';
import { body, client } from '../http/request.js';
import type { AdminWebDeps } from './deps.js';
import { redirectWith } from './messages.js';
import { adminSessions, type AdminSession, type AdminSessions } from './session.js';
import { keyOfSegment, userSegment } from './user_segment.js';

// What every step of /admin shares, and the one gate in front of each: a signed-in
// administrator's session, and for a post its CSRF token.

export type AdminWeb = { deps: AdminWebDeps; sessions: AdminSessions };

export const makeAdminWeb = (deps: AdminWebDeps): AdminWeb => ({ deps, sessions: adminSessions(deps) });

type Step = (req: Request, res: Response, session: AdminSession) => Promise<void>;

export function signedIn(web: AdminWeb, step: Step): RequestHandler {
  return async (req, res) => {
    const session = await web.sessions.read(req);
    if (!session) return toSignIn(web, req, res);
    // Only an administrator's session reaches `ready` (src/adminweb/steps/sign_in.ts); checked again all the same.
    if (session.stage !== 'ready' || !session.administrator) return redirectWith(res, ADMIN);
    if (req.method === 'POST' && !web.sessions.csrfMatches(session, body(req).csrf)) {
      throw new FactorgateError('csrf', 'admin form token missing or wrong', { user: session.user });
    }
    await step(req, res, session);
  };
}

/**
 * No session: back to sign-in, nothing done. "Your session has ended" only when the browser brought
 * a session cookie (idle too long, ended, or from another browser); a first visit is just asked to sign in.
 */
export function toSignIn(web: AdminWeb, req: Request, res: Response): void {
  redirectWith(res, ADMIN, noSessionNotice(web, req, res));
}

/** For a request without a live session: its cookie cleared, and the sign-in page's notice, if one is owed. */
export function noSessionNotice(web: AdminWeb, req: Request, res: Response): 'session_expired' | undefined {
  web.sessions.clearCookie(res);
  return web.sessions.presented(req) ? 'session_expired' : undefined;
}

/** The actions as done by this administrator, from this address: what the audit says. */
export const actionsOf = (web: AdminWeb, req: Request, session: AdminSession): AdminDeps =>
  web.deps.actionsFor({ actor: session.user, from: client(req).ip });

/** The typed field as a string, or undefined when absent or not a string. */
export function field(req: Request, name: string): string | undefined {
  const value = body(req)[name];
  return typeof value === 'string' ? value : undefined;
}

/** A path parameter that must match `shape`, else there is nothing here. */
export function param(req: Request, name: string, shape: RegExp): string {
  const value = req.params[name];
  if (typeof value !== 'string' || !shape.test(value)) throw new FactorgateError('not_found', `malformed ${name} in an /admin path`);
  return value;
}

/** The user's page: the key in one segment every reading of the path agrees on (user_segment.ts). */
export const userPath = (key: string): string => `${ADMIN}/users/${userSegment(key)}`;

/** The key the path's :name names, exactly; a segment that names no key has nothing here. */
export function userOf(req: Request): string {
  const segment = req.params.name;
  const key = typeof segment === 'string' ? keyOfSegment(segment) : undefined;
  if (key === undefined) throw new FactorgateError('not_found', 'an /admin path that names no user key');
  return key;
}
