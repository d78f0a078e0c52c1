import { Filter } from 'ldapts';

// A user name inside a DN or a search filter is data, never structure: every special character of
// the two grammars is escaped (used by the first factor and the LDAP device store alike).

/** RFC 4514 §2.4: escapes a value for use inside an RDN (`uid=<value>,ou=...`). */
export function escapeDnValue(value: string): string {
  return value.replace(/["+,;<=>\\]|^[ #]| $|\0/g, (c) => (c === '\0' ? '\\00' : `\\${c}`));
}

/** RFC 4515 §3: escapes a value for use inside a filter (`(uid=<value>)`): `*`, `(`, `)`, `\`, NUL. */
export const escapeFilterValue = (value: string): string => Filter.escape(value);
