import { z } from 'zod';
import { anakamProfileSchema } from '../providers/anakam/profile.js';
import { ldapConfigSchema } from '../ldap/config.js';
import { linotpConfigSchema } from '../providers/linotp/config.js';
import { otpConfigSchema } from '../otp/otp_config.js';
import { webauthnConfigSchema } from '../providers/webauthn/config.js';
import { checkedFlowsSchema } from '../flows/check.js';
import { compileRule } from '../flows/rules.js';
import { policyRule } from '../flows/provider_policies.js';
import { userNamesSchema } from '../identity/user_names.js';
import { limitsSchema } from '../security/limits.js';
import { readTarget } from '../proxy/request_target.js';
import { ownCookieNames } from '../http/paths.js';

const providerName = z.enum(['anakam', 'push', 'push_with_code', 'totp']);

// One schema holds every setting, its default and its documentation; docs/configuration.md is made from it.
// Environment names are derived from the dotted path: anakam.baseUrl -> FACTORGATE_ANAKAM_BASE_URL.

const port = z.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/ });
const urlPath = z.string().regex(/^\/[^\s?#]*$/, 'must be a path starting with /')
  .refine((path) => readTarget(path).ok, 'must be a plain path: no dot segments, escaped separators, double encoding or backslashes');
const cookieName = z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/, 'must be a valid cookie name');
// Sections with required keys start empty when absent, so a missing key is reported by its full
// dotted path (gateway.url), not as a missing section.
const EMPTY_SECTION = {} as never;
const fieldName = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be a plain form field name');

// The anakam section (the Anakam-style two-factor server; `tfa` is its older name, still read) is
// optional: given (any anakam.* key, in the file or the environment), its required keys stay
// required; absent, factorgate runs on its own TOTP codes or a push server. Absent, it still
// carries its default callout timeout: the login's answer lock is sized from anakam.timeoutMs
// (src/login/login.ts), and 4 x 5 s is what that lock has always been.
const ANAKAM_TIMEOUT_MS = 5000;
const anakamOrLockTimeout = <T extends object>(anakam: T | undefined) =>
  anakam ? { configured: true as const, ...anakam } : { configured: false as const, timeoutMs: ANAKAM_TIMEOUT_MS };
const ANAKAM_NEEDED = 'anakam needs the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)';

type FlowActions = { factors: Record<string, { policies: Array<{ action: string }> }> };
type Choices = { anakam: { configured: boolean }; providers: { default?: ProviderName; policies: Array<{ use: ProviderName }> }; otp: { enabled?: boolean }; webauthn: { enabled?: boolean }; flows?: FlowActions };
/** providers.default when not given: the two-factor server when there is one, else factorgate's own TOTP codes. */
const defaultProvider = (config: Choices): ProviderName => config.providers.default ?? (config.anakam.configured ? 'anakam' : 'totp');
const flowActions = (config: Choices) => Object.values(config.flows?.factors ?? {}).flatMap((f) => f.policies.map((p) => p.action));
/** Every provider the providers section can choose for a login. */
const providersUsed = (config: Choices): ProviderName[] => [defaultProvider(config), ...config.providers.policies.map((p) => p.use)];
const usesTotp = (config: Choices) => providersUsed(config).includes('totp') || flowActions(config).includes('OTP_CODE');
/** otp.enabled when not given: on exactly when a login may use totp, since nothing else turns it on. */
const otpEnabled = (config: Choices): boolean => config.otp.enabled ?? usesTotp(config);
/** webauthn.enabled when not given: on exactly when a flow uses WEBAUTHN. */
const webauthnEnabled = (config: Choices): boolean => config.webauthn.enabled ?? flowActions(config).includes('WEBAUTHN');

export const configSchema = z.object({
  listen: z.object({
    host: z.string().default('127.0.0.1').describe('Address to listen on.'),
    port: port.default(8080).describe('Port to listen on (0 picks a free one).'),
    workers: z.number().int().min(1).max(64).default(1)
      .describe('Worker processes sharing the port (node:cluster), e.g. one per core. Above 1 needs store.type redis, so that every worker sees every login.'),
    keepAliveSeconds: z.number().int().min(1).max(600).default(5)
      .describe('How long an idle client connection stays open. Behind a load balancer, set it above the balancer\'s idle timeout (e.g. 65 behind one that waits 60 s), or it may send a request onto a connection factorgate is closing.'),
  }).prefault({}),
  behindTls: z.boolean().default(false)
    .describe('Set when browsers reach factorgate over HTTPS (directly or through a TLS terminator): cookies get Secure.'),
  trustProxy: z.array(z.string()).default([])
    .describe('Addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed for the client address.'),
  secret: z.string().min(32, 'must be at least 32 characters')
    .describe('Key material for signing handles and encrypting state (FACTORGATE_SECRET or FACTORGATE_SECRET_FILE).'),
  previousSecrets: z.array(z.string().min(32)).default([])
    .describe('Earlier secrets, still accepted for verification until what they signed expires (key rotation).'),
  gateway: z.object({
    url: httpUrl.describe('Root URL of the gateway factorgate fronts.'),
    loginPage: urlPath.default('/vpn/index.html').describe('Path of the gateway login page, served with factorgate\'s script injected.'),
    loginTarget: urlPath.default('/cgi/login').describe('Path the gateway login form posts to; factorgate replays credentials here.'),
    sessionCookie: cookieName.default('NSC_AAAC').describe('Cookie by which the gateway says a login succeeded.'),
    guardedPaths: z.array(urlPath).default(['/cgi/login', '/nf/auth'])
      .describe('Gateway paths no browser may reach directly, with everything below them, in any spelling (the login target is always guarded). /nf/auth holds NetScaler\'s nFactor login endpoints (doAuthentication.do and the rest).'),
    passwordCheck: z.enum(['first', 'at_replay']).default('first')
      .describe('Without ldap, when the gateway checks the password: first (posted to loginTarget before any code or push is sent; the gateway session is held by factorgate until the second factor holds, and logged out at logoutPath when it does not) or at_replay (posted only after the second factor, for gateways that cannot have a session held).'),
    sessionCheckPath: urlPath.default('/')
      .describe('Where a held gateway session is asked, when the second factor holds, whether the gateway still accepts it (GET with its cookies; an error or a redirect to loginPage is a no, and the password is posted once more).'),
    logoutPath: urlPath.default('/cgi/logout').describe('Where a held gateway session is ended when its login does not pass (GET with its cookies).'),
    usernameField: fieldName.default('login').describe('Name of the username field in the gateway login form.'),
    passwordField: fieldName.default('passwd').describe('Name of the password field in the gateway login form.'),
    timeoutMs: z.number().int().min(100).max(60_000).default(5000).describe('Time allowed for the whole credential replay, the answer read to its end (cut short by the login deadline), and for the whole fetch of the login page.'),
    secretHeader: z.object({
      name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('X-Factorgate-Secret').describe('Header that carries the shared secret on replays.'),
      value: z.string().min(16).optional().describe('When set, sent with every replay so the gateway can refuse logins not from factorgate.'),
    }).prefault({}),
  }).prefault(EMPTY_SECTION),
  anakam: z.object({
    baseUrl: httpUrl.describe('Root of the Anakam-style two-factor server, e.g. http://tfa.example.com:8080 (the API path comes from the profile).'),
    apiUser: z.string().min(1).describe('API user for Basic authentication to the two-factor server.'),
    apiPassword: z.string().min(1).describe('API password (FACTORGATE_ANAKAM_API_PASSWORD or FACTORGATE_ANAKAM_API_PASSWORD_FILE).'),
    applicationKey: z.string().max(256).default('/').describe('applicationKey sent when acquiring an auth key.'),
    method: z.enum(['EMAIL', 'SMS']).default('EMAIL').describe('Delivery method for passcodes.'),
    otherMethod: z.boolean().default(true).describe('A user with no destination for method (only a phone number where method is EMAIL, say) gets the passcode by the other method; false refuses them (method_unavailable).'),
    registrationHours: z.number().int().min(1).max(24 * 90).default(8).describe('How long a remembered device skips the passcode.'),
    passcodeValiditySeconds: z.number().int().min(30).max(3600).default(300)
      .describe('How long the two-factor server keeps a passcode it sent: set it to the server\'s own setting. The pages tell users ("valid for 5 minutes"); the server decides, and a later passcode is answered as expired, with a new one offered.'),
    timeoutMs: z.number().int().min(100).max(60_000).default(ANAKAM_TIMEOUT_MS).describe('Time allowed for each whole callout, the reply read to its end (cut short by the login deadline).'),
    maxSockets: z.number().int().min(1).max(1024).default(16).describe('Keep-alive connections kept to the two-factor server.'),
    profile: anakamProfileSchema.prefault({}).describe('Vocabulary of the two-factor server: paths, element names, command and status words.'),
  }).optional().transform(anakamOrLockTimeout)
    .describe('The Anakam-style two-factor server (passcodes by e-mail or SMS, remembered devices). Also read under its older name `tfa` (FACTORGATE_TFA_*).'),
  linotp: linotpConfigSchema.optional()
    .describe('LinOTP-style push server (docs/design.md); needed by the push and push_with_code providers.'),
  providers: z.object({
    default: providerName.optional().meta({ defaultText: '`"anakam"` with an `anakam` section, else `"totp"`' })
      .describe('Second factor for logins no policy matches: anakam (passcode), push, push_with_code (push, or a typed code), or totp (an authenticator app registered at /manageotp).'),
    policies: z.array(z.object({
      users: z.array(z.string().min(1).max(128)).optional().describe('User name globs (case-insensitive), e.g. admin-*.'),
      realms: z.array(z.string().min(1).max(128)).optional().describe('Realms: the DOMAIN of DOMAIN\\user or the part after @.'),
      subnets: z.array(z.string().min(1).max(64)).optional().describe('Client addresses or CIDRs.'),
      use: providerName,
    })).max(100).default([]).describe('Which provider a login uses: the first policy whose every given criterion matches.'),
  }).prefault({}),
  otp: otpConfigSchema.prefault({}).describe('factorgate\'s own TOTP codes from devices users register at /manageotp; provider name totp.'),
  webauthn: webauthnConfigSchema.prefault({}).describe('Passkeys and security keys (WebAuthn) as a second factor: the WEBAUTHN flow action; users register them at /manageotp, kept in the otp device store.'),
  ldap: ldapConfigSchema.prefault({}).describe('Optional first factor: the password checked by an LDAP bind before any challenge is sent.'),
  flows: checkedFlowsSchema.optional()
    .describe('An nFactor-style login flow (fixtures/flows/README.md); without it factorgate runs the default flow built from ldap and providers. From the configuration file only.'),
  users: userNamesSchema.prefault({})
    .describe('How a typed user name becomes the one key factorgate keeps a user\'s devices, limits and sessions under.'),
  login: z.object({
    lifetimeSeconds: z.number().int().min(30).max(1800).default(600)
      .describe('Whole-login deadline; the held credentials are wiped after it. Keep it longer than anakam.passcodeValiditySeconds, so that a passcode that expired can be replaced within the same sign-in.'),
    maxPasscodeAttempts: z.number().int().min(1).max(20).default(5)
      .describe('Wrong passcodes accepted per login before it ends (the server\'s own lockout also applies).'),
    maxUsernameLength: z.number().int().min(8).max(256).default(128).describe('Longest user name accepted.'),
    maxPasswordLength: z.number().int().min(8).max(1024).default(256).describe('Longest password accepted.'),
    rememberedBrowsersPerUser: z.number().int().min(1).max(100).default(10)
      .describe('Remembered browsers (DeviceKey cookies) listed per user; past it the oldest is revoked. Only listed ones skip the second factor.'),
  }).prefault({}),
  admin: z.object({
    auditFile: z.string().min(1).optional()
      .describe('File every administrator action (factorgate admin ..., and /admin) is appended to, one JSON line each; without it the line goes to standard error (the command) or factorgate\'s log (/admin). /admin lists its last 20 actions from it.'),
    recoveryCodeHours: z.number().int().min(1).max(24).default(24)
      .describe('How long a recovery code from factorgate admin recovery-code stays usable (it is used once, and at most 24 hours).'),
    recentSignInsDays: z.number().int().min(1).max(365).default(30)
      .describe('Each user\'s last 20 finished sign-ins (time, outcome, client address, provider, way) are kept in the login state store this many days after the user\'s last one, for factorgate admin users show and /admin.'),
    web: z.object({
      enabled: z.boolean().default(false)
        .describe('Serve the administrator\'s web view at /admin: users\' devices, remembered browsers, locks, recovery codes and the sign-ins waiting now (docs/admin.md). Needs otp.enabled (administrators sign in with a code from their own authenticator app) and admin.users or admin.ldapGroup.'),
      port: port.optional()
        .describe('Serve /admin on a listener of its own at this port (0 picks a free one) instead of under the main listener; the main listener then passes /admin to the gateway like any other path.'),
      host: z.string().default('127.0.0.1')
        .describe('Address of the /admin listener when admin.web.port is set: loopback by default, so that only the machine itself (or an SSH tunnel) reaches it.'),
      sessionIdleMinutes: z.number().int().min(1).max(60).default(15)
        .describe('An /admin session ends after this many minutes without a request (and after 8 hours in any case).'),
    }).prefault({}),
    users: z.array(z.string().min(1).max(128)).max(1000).default([])
      .describe('Administrators by user name (as they sign in; read as the login reads names). In the environment: FACTORGATE_ADMIN_USERS=ann,ben.'),
    ldapGroup: z.string().min(3).max(1024).optional()
      .describe('Administrators by group: the DN of an LDAP group, matched against the administrator\'s ldap.groupAttribute values at sign-in (needs ldap.enabled).'),
  }).prefault({}).describe('The help desk\'s tools: factorgate admin on the command line, and the web view at /admin.'),
  limits: limitsSchema.prefault({}),
  cookies: z.object({
    handleName: cookieName.default('authkey').describe('Cookie holding the signed handle of the login in progress.'),
    deviceName: cookieName.default('DeviceKey').describe('Cookie holding the remembered-device credential.'),
    csrfName: cookieName.default('fg_csrf').describe('Cookie holding the login form\'s CSRF token.'),
    sameSite: z.enum(['strict', 'lax']).default('lax').describe('SameSite attribute of factorgate\'s cookies.'),
  }).prefault({}),
  metrics: z.object({
    enabled: z.boolean().default(true).describe('Serve Prometheus metrics at /metrics, on a listener of their own.'),
    host: z.string().default('127.0.0.1').describe('Address of the metrics listener: loopback by default, so that only the machine itself (or a scraper beside it) reads them; never the public listener.'),
    port: port.default(9464).describe('Port of the metrics listener (0 picks a free one).'),
  }).prefault({}),
  health: z.object({
    checkIntervalMs: z.number().int().min(500).max(300_000).default(5000)
      .describe('The dependencies (gateway, two-factor and push servers, store) are checked at most this often, for /healthz?verbose and factorgate_dependency_up.'),
  }).prefault({}),
  log: z.object({
    level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info').describe('Least severe log level written (JSON lines on stdout, the level as a word).'),
    access: z.boolean().default(false).describe('Also write one access line per request (method, path without the query, status, duration, request id).'),
  }).prefault({}),
  store: z.object({
    type: z.enum(['memory', 'redis']).default('memory')
      .describe('Where login state lives: memory (one instance) or redis (several instances behind a load balancer).'),
    memory: z.object({
      maxEntries: z.number().int().min(1000).max(10_000_000).default(100_000)
        .describe('Most entries (logins in progress, limit counters, portal sessions) the memory store holds; past it the least recently used goes, and store_evicting is logged. A login pushed out fails closed; a limit counter pushed out starts again, so size it well above what a window of traffic makes (about 1 KB each).'),
    }).prefault({}),
    redis: z.object({
      url: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'must be a redis:// or rediss:// URL').default('redis://127.0.0.1:6379')
        .describe('Redis URL (rediss:// for TLS). Keep a password out of it: use store.redis.password.'),
      password: z.string().min(1).optional().describe('Redis password (FACTORGATE_STORE_REDIS_PASSWORD or _FILE).'),
      tls: z.boolean().default(false).describe('Connect with TLS (as a rediss:// URL does).'),
      caFile: z.string().min(1).optional().describe('PEM file of the CA that signed the certificates of Redis (and of the sentinels); implies tls. Without it, the system CAs.'),
      sentinel: z.object({
        nodes: z.array(z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):\d{1,5}$/, 'must be host:port')).max(16).default([])
          .describe('Redis Sentinels as host:port (comma-separated in the environment). Given, the sentinels name the master (store.redis.url then gives only the database number, and no host) and, after a failover, the new one.'),
        masterName: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).default('mymaster').describe('Name under which the sentinels monitor the master.'),
        password: z.string().min(1).optional().describe('Password of the sentinels, when they ask for one (FACTORGATE_STORE_REDIS_SENTINEL_PASSWORD or _FILE).'),
      }).prefault({}).describe('Redis Sentinel: a master with replicas, and failover.'),
      keyPrefix: z.string().regex(/^[A-Za-z0-9:_.-]{1,64}$/).default('factorgate:').describe('Put before every key, so deployments sharing one Redis keep apart.'),
      connectTimeoutMs: z.number().int().min(100).max(60_000).default(2000).describe('How long connecting may take.'),
      commandTimeoutMs: z.number().int().min(50).max(60_000).default(1000).describe('A command unanswered by then fails (and with it the login, closed).'),
    }).prefault({}),
  }).prefault({}),
}).superRefine((config, ctx) => {
  const used = providersUsed(config);
  if (usesTotp(config) && !otpEnabled(config)) {
    // Without tfa and with totp as the fallback default, this is "no second factor at all".
    const message = config.anakam.configured || config.providers.default
      ? 'must be true when a provider policy uses totp'
      : 'no second factor is configured: without an anakam section logins use totp, so this must be true (or give the anakam section, or another providers.default)';
    ctx.addIssue({ code: 'custom', path: ['otp', 'enabled'], message });
  }
  if (used.some((name) => name === 'push' || name === 'push_with_code') && !config.linotp) {
    ctx.addIssue({ code: 'custom', path: ['linotp', 'urls'], message: 'required when a provider policy uses push or push_with_code' });
  }
  flowNeeds(config, ctx);
  // A policy is a rule of the flow language (src/flows/provider_policies.ts): one that is no valid rule is refused here.
  config.providers.policies.forEach((policy, i) => {
    const compiled = compileRule(policyRule(policy));
    if (!compiled.ok) ctx.addIssue({ code: 'custom', path: ['providers', 'policies', i], message: compiled.error.message });
  });
  refusePerHostDevices(config, ctx);
  refuseOwnCookieNameForTheGateway(config, ctx);
  refusePasskeysWithoutStore(config, ctx);
  refuseAdminWebWithoutWhatItNeeds(config, ctx);
  if (!config.anakam.configured) {
    if (config.providers.default === 'anakam') ctx.addIssue({ code: 'custom', path: ['providers', 'default'], message: ANAKAM_NEEDED });
    config.providers.policies.forEach((policy, i) => {
      if (policy.use === 'anakam') ctx.addIssue({ code: 'custom', path: ['providers', 'policies', i, 'use'], message: ANAKAM_NEEDED });
    });
  }
}).superRefine((config, ctx) => {
  // A login may touch each worker in turn: with the memory store each would know only its own.
  if (config.listen.workers > 1 && config.store.type !== 'redis') {
    ctx.addIssue({ code: 'custom', path: ['listen', 'workers'], message: 'above 1 needs store.type redis (with the memory store a login started in one worker is unknown to the others)' });
  }
}, {
  // Reported along with every other problem, as long as the two sections it reads are valid.
  when: (payload) => !payload.issues.some((issue) => issue.path?.[0] === 'listen' || issue.path?.[0] === 'store'),
}).transform((config) => ({
  ...config,
  providers: { ...config.providers, default: defaultProvider(config) },
  otp: { ...config.otp, enabled: otpEnabled(config) },
  webauthn: { ...config.webauthn, enabled: webauthnEnabled(config) },
}));

/**
 * factorgate keeps its own cookie names from the gateway both ways (never sent, never set): a
 * gateway session cookie under one of them could never work, and every login would be refused.
 */
function refuseOwnCookieNameForTheGateway(config: { gateway: { sessionCookie: string }; cookies: { handleName: string; deviceName: string; csrfName: string } }, ctx: z.RefinementCtx): void {
  const own = ownCookieNames(config.cookies);
  if (own.includes(config.gateway.sessionCookie)) {
    ctx.addIssue({ code: 'custom', path: ['gateway', 'sessionCookie'], message: `must not be one of factorgate's own cookie names (${own.join(', ')}): factorgate never passes those to or from the gateway` });
  }
}

/**
 * /admin signs administrators in with their own app's code, so it needs the device store; and it
 * must know who the administrators are: refused at start-up rather than serving a sign-in no one passes.
 */
function refuseAdminWebWithoutWhatItNeeds(config: Choices & { admin: { web: { enabled: boolean }; users: string[]; ldapGroup?: string | undefined }; ldap: { enabled: boolean } }, ctx: z.RefinementCtx): void {
  if (!config.admin.web.enabled) return;
  if (!otpEnabled(config)) ctx.addIssue({ code: 'custom', path: ['otp', 'enabled'], message: 'must be true when admin.web.enabled: administrators sign in to /admin with a code from their own authenticator app, kept in the otp device store' });
  if (config.admin.users.length === 0 && config.admin.ldapGroup === undefined) ctx.addIssue({ code: 'custom', path: ['admin', 'users'], message: 'name at least one administrator (or set admin.ldapGroup) when admin.web.enabled' });
  if (config.admin.ldapGroup !== undefined && !config.ldap.enabled) ctx.addIssue({ code: 'custom', path: ['admin', 'ldapGroup'], message: 'needs ldap.enabled: group membership is read from the directory at sign-in' });
}

/**
 * Passkeys live in the device store: SQLite and PostgreSQL hold them, LDAP does not (a credential
 * id must be unique across all users, which a value in each user's own entry cannot promise). A
 * flow that asks for one from a store that cannot keep it would refuse every user: refused at
 * start-up instead.
 */
function refusePasskeysWithoutStore(config: Choices & { otp: { store: string }; webauthn: { rpId?: string; origins: string[] } }, ctx: z.RefinementCtx): void {
  if (!webauthnEnabled(config)) return;
  if (!otpEnabled(config)) {
    ctx.addIssue({ code: 'custom', path: ['otp', 'enabled'], message: 'must be true when webauthn is enabled: passkeys are registered at /manageotp and kept in the otp device store' });
  }
  if (config.otp.store === 'ldap') {
    ctx.addIssue({ code: 'custom', path: ['otp', 'store'], message: 'is ldap, which cannot hold passkeys (a credential must belong to one user, which values in each user\'s own entry cannot promise): webauthn needs otp.store sqlite or postgres (or turn webauthn.enabled off)' });
  }
  // Given only through the flow, the section's own check (enabled: true) did not run.
  if (config.webauthn.enabled === undefined && config.webauthn.rpId === undefined) ctx.addIssue({ code: 'custom', path: ['webauthn', 'rpId'], message: 'required when a flow uses WEBAUTHN' });
  if (config.webauthn.enabled === undefined && config.webauthn.origins.length === 0) ctx.addIssue({ code: 'custom', path: ['webauthn', 'origins'], message: 'required when a flow uses WEBAUTHN' });
}

/**
 * Several instances with devices in a per-host file: a device registered through one would be
 * unknown to the others, and a code could be used once on each. Only a shared store will do.
 */
function refusePerHostDevices(config: Choices & { otp: { store: string }; store: { type: string }; listen: { workers: number } }, ctx: z.RefinementCtx): void {
  if (!otpEnabled(config) || config.otp.store !== 'sqlite') return;
  const several = [
    ...(config.store.type === 'redis' ? ['store.type is redis'] : []),
    ...(config.listen.workers > 1 ? [`listen.workers is ${config.listen.workers}`] : []),
  ];
  if (several.length === 0) return;
  ctx.addIssue({
    code: 'custom', path: ['otp', 'store'],
    message: `is sqlite, a file of one host, but ${several.join(' and ')} (several instances): each would keep its own devices and its own record of used codes. Set otp.store to postgres (otp.postgres.*) or ldap (otp.ldap.*), which every instance shares`,
  });
}

/** Each flow action needs the section that configures its authenticator. */
function flowNeeds(config: Choices & { ldap: { enabled: boolean }; linotp?: unknown }, ctx: z.RefinementCtx): void {
  const anakam = { ok: config.anakam.configured, message: 'ANAKAM_DEVICE and ANAKAM_PASSCODE need the anakam section (anakam.baseUrl, anakam.apiUser, anakam.apiPassword)' };
  const needs: Record<string, { ok: boolean; message: string }> = {
    LDAP_BIND: { ok: config.ldap.enabled, message: 'LDAP_BIND needs the ldap section (ldap.enabled: true)' },
    PUSH: { ok: config.linotp !== undefined, message: 'PUSH needs the linotp section' },
    // otp turns on by itself for a flow with OTP_CODE; only an explicit false is a conflict.
    OTP_CODE: { ok: otpEnabled(config), message: 'OTP_CODE needs otp.enabled: true' },
    WEBAUTHN: { ok: webauthnEnabled(config), message: 'WEBAUTHN needs webauthn.enabled: true' },
    ANAKAM_DEVICE: anakam,
    ANAKAM_PASSCODE: anakam,
  };
  for (const [name, factor] of Object.entries(config.flows?.factors ?? {})) {
    factor.policies.forEach((policy, index) => {
      const need = needs[policy.action];
      if (need && !need.ok) ctx.addIssue({ code: 'custom', path: ['flows', 'factors', name, 'policies', index, 'action'], message: need.message });
    });
  }
}

export type Config = z.infer<typeof configSchema>;
export type ProviderName = z.infer<typeof providerName>;
export type ConfigInput = z.input<typeof configSchema>;
