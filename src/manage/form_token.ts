import { doubleSubmitToken } from '../security/csrf.js';

// The sign-in form's CSRF token, before there is a session to hold one (OWASP signed
// double-submit, as src/security/csrf.ts for the login form): one signed random value in the
// fg_manage_csrf cookie and in a hidden field. Its own purpose, so a login form token is not one.

const signInForm = doubleSubmitToken('manageotp-form-csrf');
export const issueSignInToken = signInForm.issue;
export const signInTokenMatches = signInForm.matches;
