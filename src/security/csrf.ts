import { timingSafeEqual } from 'node:crypto';
import type { Keyring } from './keyring.js';
import { randomToken } from './keyring.js';

// The login form's CSRF token (signed double-submit, OWASP): the same signed random value goes in
// a cookie and in a hidden field of the injected form; a post must carry both, and they must match.
// Later posts of a login carry the per-login token held in its server-side record instead.

const PURPOSE = 'login-form-csrf';

export function issueFormToken(keyring: Keyring): string {
  return keyring.sign(PURPOSE, randomToken(18));
}

export function formTokenMatches(keyring: Keyring, cookieValue: unknown, fieldValue: unknown): boolean {
  if (typeof cookieValue !== 'string' || typeof fieldValue !== 'string') return false;
  if (!keyring.verify(PURPOSE, cookieValue)) return false;
  return sameToken(cookieValue, fieldValue);
}

export function sameToken(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
