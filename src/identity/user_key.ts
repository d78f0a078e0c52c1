import { foldName } from './user_names.js';

// Whether a string could be a user's key as factorgate makes it (src/identity/user_names.ts), for
// the places that are handed a key rather than a typed name: /admin's paths and `admin --key`.

/** Longest key factorgate makes: the login's longest name (login.maxUsernameLength, at most 256). */
export const MAX_KEY_LENGTH = 256;

/** Not empty, no longer than any name, no control character, and folded ("bob", never "Bob"). */
export function isUserKey(key: string): boolean {
  return key !== '' && key.length <= MAX_KEY_LENGTH && !/\p{Cc}/u.test(key) && foldName(key) === key;
}
