import type { Keyring } from '../security/keyring.js';
import { randomToken } from '../security/keyring.js';
import { sameToken } from '../security/csrf.js';

// The sign-in form's CSRF token, before there is a session to hold one (OWASP signed
// double-submit, as src/security/csrf.ts for the login form): one signed random value in the
// fg_manage_csrf cookie and in a hidden field. Its own purpose, so a login form token is not one.

const PURPOSE = 'manageotp-form-csrf';

export function issueSignInToken(keyring: Keyring): string {
  return keyring.sign(PURPOSE, randomToken(18));
}

export function signInTokenMatches(keyring: Keyring, cookieValue: unknown, fieldValue: unknown): boolean {
  if (typeof cookieValue !== 'string' || typeof fieldValue !== 'string') return false;
  if (!keyring.verify(PURPOSE, cookieValue)) return false;
  return sameToken(cookieValue, fieldValue);
}
