import { z } from 'zod';

// The optional first factor: the user's password checked by an LDAP bind before any second-factor
// challenge is sent, so that knowing a user name is not enough to flood someone with passcodes.
// One of two modes:
//   direct bind:       userDnTemplate                               -> bind as the built DN
//   search then bind:  bindDn + bindPassword + searchBase + searchFilter -> find the DN, bind as it
// Flat keys (no union) so every setting keeps its own environment variable (FACTORGATE_LDAP_*),
// and bindPassword can come from FACTORGATE_LDAP_BIND_PASSWORD_FILE like every secret.

const PLACEHOLDER = '{username}';
const occurrences = (value: string) => value.split(PLACEHOLDER).length - 1;

/** Shared with otp.ldap.tls.startTls (src/otp/otp_config.ts). */
export const STARTTLS_TEXT = 'For an ldap:// URL: upgrade the connection with StartTLS (RFC 4513 §3) before any bind; caFile and rejectUnauthorized apply. A directory that refuses StartTLS, or whose certificate does not verify, fails closed. Not for ldaps:// URLs, which speak TLS from the start.';

/** startTls upgrades an ldap:// connection; with ldaps:// it is a mistake worth saying so. */
export function refuseStartTlsWithLdaps(ldap: { url?: string | undefined; tls: { startTls: boolean } }, ctx: z.RefinementCtx, at: string[]): void {
  if (ldap.tls.startTls && ldap.url !== undefined && /^ldaps:/i.test(ldap.url)) {
    ctx.addIssue({ code: 'custom', path: [...at, 'tls', 'startTls'], message: 'only for ldap:// URLs: an ldaps:// URL is already TLS (set startTls to false, or use ldap://)' });
  }
}

export const ldapConfigSchema = z.object({
  enabled: z.boolean().default(false)
    .describe('Check the user\'s password with an LDAP bind before any second-factor challenge is sent.'),
  url: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }).optional()
    .describe('Directory server, e.g. ldaps://ldap.example.org:636 (required when enabled).'),
  userDnTemplate: z.string().refine((t) => occurrences(t) === 1, `must contain ${PLACEHOLDER} exactly once`).optional()
    .describe('Direct bind: the user\'s DN, e.g. uid={username},ou=people,dc=example,dc=org (the name is escaped per RFC 4514).'),
  bindDn: z.string().min(1).optional()
    .describe('Search then bind: DN of the service account that looks users up.'),
  bindPassword: z.string().min(1).optional()
    .describe('Search then bind: password of the service account (FACTORGATE_LDAP_BIND_PASSWORD or FACTORGATE_LDAP_BIND_PASSWORD_FILE).'),
  searchBase: z.string().min(1).optional()
    .describe('Search then bind: where users are looked up (whole subtree), e.g. ou=people,dc=example,dc=org.'),
  searchFilter: z.string().regex(/^\(.*\)$/s, 'must be an LDAP filter in parentheses')
    .refine((f) => occurrences(f) >= 1, `must contain ${PLACEHOLDER}`).optional()
    .describe('Search then bind: filter that finds exactly one user, e.g. (&(objectClass=person)(uid={username})) (every {username} is replaced by the name, escaped per RFC 4515).'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000)
    .describe('Time allowed for the whole check (connect, search, binds); never past the login deadline.'),
  tls: z.object({
    caFile: z.string().min(1).optional().describe('PEM file of the CA that signed the directory\'s certificate (default: the system CAs).'),
    rejectUnauthorized: z.boolean().default(true).describe('Refuse a directory certificate that does not verify. Turn off only for a test directory.'),
    startTls: z.boolean().default(false).describe(STARTTLS_TEXT),
  }).prefault({}).describe('TLS for ldaps:// URLs and for StartTLS.'),
  accountAttribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an attribute name').default('uid')
    .describe('Attribute of the user entry that holds the user\'s account name (uid; sAMAccountName in Active Directory). It becomes the user\'s key for devices, limits and sessions, whatever spelling was typed; an entry without it fails closed.'),
  groupAttribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an attribute name').default('memberOf')
    .describe('Attribute of the user entry that lists the user\'s groups (read for later rules).'),
}).superRefine((ldap, ctx) => {
  refuseStartTlsWithLdaps(ldap, ctx, []);
  if (!ldap.enabled) return;
  const missing = (key: keyof typeof ldap, why: string) => ctx.addIssue({ code: 'custom', path: [key], message: `required ${why}` });
  if (!ldap.url) missing('url', 'when ldap is enabled');
  const search = (['bindDn', 'bindPassword', 'searchBase', 'searchFilter'] as const).filter((key) => ldap[key] !== undefined);
  if (ldap.userDnTemplate !== undefined) {
    for (const key of search) {
      ctx.addIssue({ code: 'custom', path: [key], message: 'not used with userDnTemplate: choose direct bind or search then bind' });
    }
    return;
  }
  if (search.length === 0) {
    missing('userDnTemplate', 'when ldap is enabled (or set bindDn, bindPassword, searchBase and searchFilter to search then bind)');
    return;
  }
  for (const key of ['bindDn', 'bindPassword', 'searchBase', 'searchFilter'] as const) {
    if (ldap[key] === undefined) missing(key, 'to search then bind');
  }
});

export type LdapConfig = z.infer<typeof ldapConfigSchema>;
export type LdapConfigInput = z.input<typeof ldapConfigSchema>;
