import { FactorgateError } from '../errors.js';

/** The first factor; `pin` is the token PIN when LinOTP is set to want it (otppin 0). */
export type Credentials = { username: string; password: string; pin?: string };

// User names of directory services: letters and digits of any script, and the punctuation of
// e-mail and DOMAIN\user forms. Anything else (control characters, markup) is refused up front.
const USERNAME = /^[\p{L}\p{M}\p{N}._@+\\'-](?:[\p{L}\p{M}\p{N}._@+\\' -]*[\p{L}\p{M}\p{N}._@+\\'-])?$/u;
const CONTROL = /\p{Cc}/u;

/** The first factor from the login form, checked for type, size and shape before any work is done. */
export function readCredentials(body: Record<string, unknown>, fields: { username: string; password: string }, limits: { maxUsernameLength: number; maxPasswordLength: number }): Credentials {
  const username = body[fields.username];
  const password = body[fields.password];
  if (typeof username !== 'string' || typeof password !== 'string' || username === '' || password === '') {
    throw new FactorgateError('invalid_input', 'missing credentials');
  }
  if (username.length > limits.maxUsernameLength || !USERNAME.test(username)) {
    throw new FactorgateError('invalid_input', 'user name refused by shape', { length: username.length });
  }
  if (password.length > limits.maxPasswordLength || CONTROL.test(password)) {
    throw new FactorgateError('invalid_input', 'password refused by shape');
  }
  return { username, password };
}
