import { isUserKey, MAX_KEY_LENGTH } from '../identity/user_key.js';

// How /admin names a user in its paths: the user's key, exactly, in one path segment that every
// reading of the path (src/proxy/request_target.ts, and nginx or HAProxy in front) takes the same
// way. A key may hold any character: a directory's account name becomes the key as it is
// (src/identity/user_names.ts fromDirectory), so "corp/alice", "50%off" or "domain\bob" are keys.
// Letters, digits and a few marks of names stay as they are, so that an administrator reads the
// name in the address bar; every other character is written as "~" and two hex digits per UTF-8
// byte ("corp/alice" is corp~2Falice), which no server decodes, splits on or folds. "~" is never
// written as itself, so each key has one spelling and each spelling one key.

/** Every byte written as "~XX" at most: 4 bytes a character. */
const MAX_SEGMENT_LENGTH = MAX_KEY_LENGTH * 4 * 3;

/** ASCII written as it is: none of it is a separator, an escape or a character a server folds. */
const PLAIN_ASCII = /^[A-Za-z0-9_@+'-]$/;
/** Beyond ASCII: letters, marks and digits, percent-encoded in the URL (a browser shows them as they are). */
const PLAIN_BEYOND_ASCII = /^[\p{L}\p{M}\p{N}]$/u;

/**
 * True when `char` (one code point) at `position` is written as it is. A dot or a mark never
 * starts the segment: a segment of dots ("." or "..", and "\u0301." with its mark dropped) is a
 * dot segment to some reading. A character that NFKC changes (a full-width letter, "²") never
 * stands as itself: a server that normalises would read another name, or a separator ("⒈" is "1.").
 */
function isPlain(char: string, position: number): boolean {
  if (char.charCodeAt(0) < 0x80) return PLAIN_ASCII.test(char) || (char === '.' && position > 0);
  return PLAIN_BEYOND_ASCII.test(char) && char.normalize('NFKC') === char && !(position === 0 && /^\p{M}$/u.test(char));
}

/** Each UTF-8 byte of `char` as "~XX". */
const escaped = (char: string): string => [...new TextEncoder().encode(char)].map((byte) => `~${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');

/** The segment as the router hands it over, percent-decoded. */
function spelling(key: string): string {
  return [...key].map((char, position) => (isPlain(char, position) ? char : escaped(char))).join('');
}

/** The path segment that names the user `key` in /admin's URLs. */
export function userSegment(key: string): string {
  // What is not ASCII is a plain letter, mark or digit: percent-encoded, as a URL must carry it.
  return [...spelling(key)].map((char) => (char.charCodeAt(0) < 0x80 ? char : encodeURIComponent(char))).join('');
}

/**
 * The key a segment names (`segment` as the router decoded it), or undefined when it names none:
 * a segment that is not exactly the spelling of its key (lower-case hex, "%", a plain character
 * escaped, bytes that are no UTF-8), a key longer than any user's, with a control character, or
 * one factorgate never makes (every key is folded: "Bob" is no key, "bob" is).
 */
export function keyOfSegment(segment: string): string | undefined {
  if (segment.length === 0 || segment.length > MAX_SEGMENT_LENGTH) return undefined;
  let key: string;
  try {
    key = decodeURIComponent(segment.replaceAll('~', '%')); // refuses invalid and overlong UTF-8
  } catch {
    return undefined;
  }
  if (!isUserKey(key)) return undefined;
  return spelling(key) === segment ? key : undefined;
}
