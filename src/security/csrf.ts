import { timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { randomToken } from './keyring.js';

// The login form's CSRF token (signed double-submit, OWASP): the same signed random value goes in
// a cookie and in a hidden field of the injected form; a post must carry both, and they must match.
// Later posts of a login carry the per-login token held in its server-side record instead.

/**
 * A signed double-submit token of its own purpose (so one form's token is never another's): one
 * signed random value for the cookie and the hidden field; a post must carry both, equal.
 */
export function doubleSubmitToken(purpose: string) {
  return {
    issue: (keyring: Keyring): string => keyring.sign(purpose, randomToken(18)),
    matches: (keyring: Keyring, cookieValue: unknown, fieldValue: unknown): boolean => {
      if (typeof cookieValue !== 'string' || typeof fieldValue !== 'string') return false;
      if (!keyring.verify(purpose, cookieValue)) return false;
      return sameToken(cookieValue, fieldValue);
    },
  };
}

const LOGIN_FORM = 'login-form-csrf';
const loginForm = doubleSubmitToken(LOGIN_FORM);
export const formTokenMatches = loginForm.matches;

/**
 * A new login form token. Its signed value carries the time it was issued (`random~ms`), so a
 * later login page can tell whether this browser's token is young enough to be handed out again.
 */
export function issueFormToken(keyring: Keyring, now = Date.now()): string {
  return keyring.sign(LOGIN_FORM, `${randomToken(18)}~${now.toString(36)}`);
}

/**
 * The token a login page carries: the one this browser already holds, while it is genuine and has
 * at least half its life ahead (so two open login pages share it and a post from either matches
 * the cookie), or else a new one. `reused` says the cookie stays as it is: reuse never lengthens a
 * token's life. A token from before issue times were signed in is replaced, never reused.
 */
export function loginFormToken(keyring: Keyring, held: unknown, now: number, lifeMs: number): { token: string; reused: boolean } {
  if (typeof held === 'string') {
    const issuedAt = issueTime(keyring.verify(LOGIN_FORM, held));
    if (issuedAt !== undefined && issuedAt <= now && now - issuedAt < lifeMs / 2) return { token: held, reused: true };
  }
  return { token: issueFormToken(keyring, now), reused: false };
}

function issueTime(value: string | undefined): number | undefined {
  const match = value === undefined ? null : /~([0-9a-z]{1,12})$/.exec(value);
  return match ? parseInt(match[1]!, 36) : undefined;
}

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
