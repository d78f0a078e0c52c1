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
  store: z.enum(['sqlite', 'postgres', 'ldap']).default('sqlite')
    .describe('Where devices, and the step of each device\'s last accepted code, live: sqlite, an embedded file for a single factorgate instance; postgres, a database that every instance shares; ldap, an attribute of the user\'s LDAP entry (shared too). With store.type redis or listen.workers above 1, sqlite is refused.'),
  sqlite: z.object({
    path: z.string().min(1).default('/var/lib/factorgate/otp-devices.sqlite')
      .describe('The database file, created on first run (mode 0600, its folder 0700; a file of an older factorgate is migrated in place). For one factorgate instance: it is not shared between hosts.'),
  }).prefault({}).describe('The SQLite device store.'),
  postgres: z.object({
    host: z.string().min(1).optional().describe('PostgreSQL server: host name or address.'),
    port: z.number().int().min(1).max(65535).default(5432).describe('Its port.'),
    database: z.string().min(1).max(63).default('factorgate').describe('Database that holds the device tables (factorgate_otp_devices, factorgate_webauthn_credentials, factorgate_otp_schema); created and migrated by factorgate at start-up.'),
    user: z.string().min(1).max(63).default('factorgate').describe('Role factorgate connects as; it needs to create tables in the database\'s default schema (once), then to read and write them.'),
    password: z.string().min(1).optional().describe('Password of that role (FACTORGATE_OTP_POSTGRES_PASSWORD or _FILE).'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000)
      .describe('Time allowed for each device store operation as a whole (waiting for a connection, connecting, the statement); the server is told to give up on the statement too.'),
    maxConnections: z.number().int().min(1).max(100).default(10).describe('Connections each factorgate process keeps to PostgreSQL at most.'),
    tls: z.object({
      mode: z.enum(['disable', 'verify-ca', 'verify-full']).default('verify-full')
        .describe('As libpq\'s sslmode: verify-full (TLS, the certificate checked against caFile, else the system CAs, and against host), verify-ca (TLS, the certificate checked, not its name), disable (no TLS: device data and the SCRAM exchange in clear; for a server on this machine).'),
      caFile: z.string().min(1).optional().describe('PEM file of the CA that signed the server\'s certificate.'),
    }).prefault({}).describe('TLS to PostgreSQL.'),
  }).prefault({}).describe('The PostgreSQL device store.'),
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
  if (otp.postgres.tls.mode === 'disable' && otp.postgres.tls.caFile !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['postgres', 'tls', 'caFile'], message: 'is given but tls.mode is disable: set tls.mode to verify-full (or verify-ca), or drop caFile' });
  }
  if (otp.enabled !== false && otp.store === 'postgres' && otp.postgres.host === undefined) {
    ctx.addIssue({ code: 'custom', path: ['postgres', 'host'], message: 'required when store is postgres' });
  }
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
