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

const loginForm = doubleSubmitToken('login-form-csrf');
export const issueFormToken = loginForm.issue;
export const formTokenMatches = loginForm.matches;

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
