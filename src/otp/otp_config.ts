import { z } from 'zod';
import { STARTTLS_TEXT, refuseStartTlsWithLdaps } from '../ldap/config.js';

// factorgate's own TOTP second factor: the settings and their defaults, in one place.
// Meant to sit under `otp` in the main schema; the LDAP keys mirror the first factor's `ldap`.

const PLACEHOLDER = '{username}';

export const otpConfigSchema = z.object({
  // Not given, the main schema decides (src/config/schema.ts): on when a login may use totp.
  enabled: z.boolean().optional().meta({ defaultText: '`true` when `providers` use `totp` (as they do by default without a `tfa` section), else `false`' })
    .describe('Offer factorgate\'s own TOTP authenticator codes (RFC 6238) as a second factor.'),
  issuer: z.string().min(1).regex(/^[^:]+$/, 'must hold no colon').default('factorgate')
    .describe('Name the authenticator app shows above the account.'),
  algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']).default('SHA1')
    .describe('HMAC of the codes. Many authenticator apps ignore anything but SHA1.'),
  digits: z.number().int().min(6).max(8).default(6).describe('Digits in a code.'),
  period: z.number().int().min(15).max(300).default(30).describe('Seconds a code lasts (one step); one step either side is accepted.'),
  maxDevices: z.number().int().min(1).max(20).default(5).describe('Active devices a user may register.'),
  withoutDevice: z.enum(['refuse', 'enrol']).default('refuse')
    .describe('A user with no device at login: refuse (the page points to /manageotp), or enrol: right after the password is verified (an LDAP bind, else a check at the gateway) the login shows a QR code, and the first code from the new device is the second factor. enrol trusts the password alone for a user\'s first device.'),
  store: z.enum(['sqlite', 'ldap']).default('sqlite')
    .describe('Where devices live: an embedded SQLite file, or an attribute of the user\'s LDAP entry.'),
  sqlite: z.object({
    path: z.string().min(1).default('/var/lib/factorgate/otp-devices.sqlite')
      .describe('The database file, created on first run (mode 0600). Several instances may share it on one host.'),
  }).prefault({}).describe('The SQLite device store.'),
  ldap: z.object({
    url: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }).optional().describe('Directory server holding the devices.'),
    bindDn: z.string().min(1).optional().describe('Service account that reads and writes the device attribute.'),
    bindPassword: z.string().min(1).optional().describe('Password of that service account.'),
    userDnTemplate: z.string().optional().describe('The user\'s DN, e.g. uid={username},ou=people,dc=example,dc=org; or set searchBase and searchFilter.'),
    searchBase: z.string().min(1).optional().describe('Where users are looked up (whole subtree).'),
    searchFilter: z.string().regex(/^\(.*\)$/s, 'must be an LDAP filter in parentheses').optional().describe('Filter that finds exactly one user, e.g. (uid={username}).'),
    attribute: z.string().regex(/^[A-Za-z][A-Za-z0-9-]{0,63}$/, 'must be an attribute name').default('description')
      .describe('Multi-valued string attribute with an equality rule; one value per device (JSON with the secret sealed). The service account needs write access to it.'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('Time allowed for each device store operation as a whole (connect, bind, reads and writes).'),
    tls: z.object({
      caFile: z.string().min(1).optional().describe('PEM file of the CA that signed the directory\'s certificate.'),
      rejectUnauthorized: z.boolean().default(true).describe('Refuse a directory certificate that does not verify.'),
      startTls: z.boolean().default(false).describe(STARTTLS_TEXT),
    }).prefault({}).describe('TLS for ldaps:// URLs and for StartTLS.'),
  }).prefault({}).describe('The LDAP device store.'),
}).superRefine((otp, ctx) => {
  refuseStartTlsWithLdaps(otp.ldap, ctx, ['ldap']);
  if (otp.enabled === false || otp.store !== 'ldap') return;
  const missing = (key: string, why: string) => ctx.addIssue({ code: 'custom', path: ['ldap', key], message: `required ${why}` });
  const { ldap } = otp;
  for (const key of ['url', 'bindDn', 'bindPassword'] as const) if (ldap[key] === undefined) missing(key, 'when store is ldap');
  if (ldap.userDnTemplate !== undefined) {
    if (ldap.userDnTemplate.split(PLACEHOLDER).length !== 2) ctx.addIssue({ code: 'custom', path: ['ldap', 'userDnTemplate'], message: `must contain ${PLACEHOLDER} exactly once` });
    return;
  }
  if (ldap.searchBase === undefined) missing('searchBase', 'when store is ldap (or set userDnTemplate)');
  if (ldap.searchFilter === undefined) missing('searchFilter', 'when store is ldap (or set userDnTemplate)');
  else if (!ldap.searchFilter.includes(PLACEHOLDER)) ctx.addIssue({ code: 'custom', path: ['ldap', 'searchFilter'], message: `must contain ${PLACEHOLDER}` });
});

export type OtpConfig = z.infer<typeof otpConfigSchema>;
export type OtpConfigInput = z.input<typeof otpConfigSchema>;
