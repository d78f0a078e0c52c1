import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';

// TLS towards a directory, for the first factor (ldap_bind.ts) and the OTP device store
// (src/otp/open_device_store.ts): ldaps:// speaks TLS from the first byte; ldap:// with startTls
// upgrades the connection (RFC 4513 §3) before any bind; ldap:// without it is cleartext.

export type LdapTlsSettings = { caFile?: string | undefined; rejectUnauthorized: boolean; startTls: boolean };

/**
 * `connect`: for the ldapts Client constructor, ldaps:// only (ldapts speaks TLS to an ldap:// URL
 * too when it is given any tlsOptions). `startTls`: for client.startTLS(); pass a copy each time,
 * as ldapts writes the socket into the object it is given.
 */
export type LdapTls = { connect?: ConnectionOptions; startTls?: ConnectionOptions };

export function ldapTls(url: string, tls: LdapTlsSettings): LdapTls {
  const verify: ConnectionOptions = { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}) };
  if (/^ldaps:/i.test(url)) return { connect: verify };
  if (!tls.startTls) return {};
  // The upgraded socket is made from the plain one, so say which name the certificate must carry
  // (and, for a name, send it as SNI; RFC 6066 allows no address there).
  const host = hostOf(url);
  return { startTls: { ...verify, host, ...(isIP(host) ? {} : { servername: host }) } };
}

/** The URL's host, without the brackets of an IPv6 address. */
function hostOf(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
}
