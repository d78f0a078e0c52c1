import type { Request, RequestHandler, Response } from 'express';
import { FactorgateError } from '../errors.js';
import { body } from '../http/request.js';
import { readTypedCode } from '../typed_code.js';
import { ManageCookies } from './cookies.js';
import { BASE, type ManageDeps } from './deps.js';
import { redirectWith } from './messages.js';
import { portalSessions, type PortalSession, type PortalSessions, type Stage } from './session.js';

// What every step of the portal shares, and the one gate in front of each: a live session at the
// right stage, and for a post its CSRF token.

export type Portal = { deps: ManageDeps; sessions: PortalSessions; cookies: ManageCookies };

export const makePortal = (deps: ManageDeps): Portal => ({ deps, sessions: portalSessions(deps), cookies: new ManageCookies(deps.cookies) });

type Step = (req: Request, res: Response, session: PortalSession) => Promise<void>;

export function withSession(portal: Portal, stage: Stage, step: Step): RequestHandler {
  return async (req, res) => {
    const session = await portal.sessions.read(req);
    if (!session) {
      // Missing, expired, ended or another browser's: back to sign-in, whatever was asked (nothing was done).
      portal.sessions.clearCookie(res);
      return redirectWith(res, BASE, 'session_expired');
    }
    if (session.stage !== stage) return redirectWith(res, BASE);
    if (req.method === 'POST' && !portal.sessions.csrfMatches(session, body(req).csrf)) {
      throw new FactorgateError('csrf', 'portal form token missing or wrong', { user: session.user });
    }
    await step(req, res, session);
  };
}

// newDeviceId() gives lower-case UUIDs; anything else in the path is no device of ours.
const DEVICE_ID = /^[0-9a-f-]{8,64}$/;

export function deviceIdOf(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !DEVICE_ID.test(id)) throw new FactorgateError('not_found', 'malformed device id in path');
  return id;
}

export const devicePath = (id: string): string => `${BASE}/devices/${id}`;

/** The typed field as a string, or undefined when absent or not a string (type confusion refused up front). */
export function field(req: Request, name: string): string | undefined {
  const value = body(req)[name];
  return typeof value === 'string' ? value : undefined;
}

/** The code typed in the form, read as the login reads one (src/typed_code.ts): "123 456" is 123456. */
export const typedCode = (req: Request): string | undefined => readTypedCode(body(req).code);
