import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Logger } from '../log.js';

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

/** 127.0.0.0/8, ::1, localhost and *.localhost (RFC 6761 §6.3). */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (isIP(name) === 4) return name.startsWith('127.');
  // As the URL parser writes them: ::1, and 127.x mapped to IPv6 in either spelling.
  if (isIP(name) === 6) return name === '::1' || /^::ffff:(127\.|7f[0-9a-f]{2}:)/.test(name);
  return false;
}

type LdapSettings = { url?: string | undefined; tls: LdapTlsSettings };

/**
 * One warn line per directory that will be sent passwords in clear: an ldap:// URL without
 * startTls to a host that is not this machine. The first factor sends the user's password, the
 * device store its service account's.
 */
export function warnLdapCleartext(config: { ldap: LdapSettings & { enabled: boolean }; otp: { enabled?: boolean | undefined; store: string; ldap: LdapSettings } }, logger: Logger): void {
  const uses: Array<[string, LdapSettings]> = [];
  if (config.ldap.enabled) uses.push(['ldap', config.ldap]);
  if (config.otp.enabled && config.otp.store === 'ldap') uses.push(['otp.ldap', config.otp.ldap]);
  for (const [setting, ldap] of uses) {
    if (!ldap.url || !/^ldap:/i.test(ldap.url) || ldap.tls.startTls) continue;
    const host = hostOf(ldap.url);
    if (isLoopbackHost(host)) continue;
    logger.warn({ event: 'ldap_cleartext', host, setting: `${setting}.url` },
      `${setting}.url is ldap:// without ${setting}.tls.startTls: passwords go to the directory in clear; use ldaps:// or set ${setting}.tls.startTls`);
  }
}
