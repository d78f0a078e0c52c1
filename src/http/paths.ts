// Every path factorgate serves itself, named once. The browser reaches the login's endpoints
// under /mfa and the self-service portal under /manageotp; both are factorgate's own (the front
// door never passes them to the gateway) and their cookies are scoped to them.

/** The login's own prefix: its endpoints, pages, script and styles, and its cookies' Path. */
export const MFA = '/mfa';

export const MFA_PATHS = {
  /** The login form of the gateway's page posts here instead of the gateway's login target. */
  login: `${MFA}/login`,
  /** GET: the open step as a page (no-script browsers land here after every post); POST: an answer to it. */
  step: `${MFA}/passcode`,
  /** A factor's form. */
  form: `${MFA}/step`,
  another: `${MFA}/another`,
  resend: `${MFA}/resend`,
  cancel: `${MFA}/cancel`,
  pushEvents: `${MFA}/push/events`,
  pushConfirm: `${MFA}/push/confirm`,
  enrolQr: `${MFA}/enrol/qr.svg`,
  /** POST: the browser's answer to a passkey's challenge (the assertion, as JSON). */
  webauthn: `${MFA}/webauthn`,
  /** GET: the form for a help desk's one-time recovery code; POST: the code. */
  recovery: `${MFA}/recovery`,
  /** The script and styles the login page and every page of factorgate load (public/). */
  static: `${MFA}/static`,
} as const;

/** The self-service portal for authenticator apps. */
export const MANAGE = '/manageotp';

/** factorgate's operational endpoints; the gateway never sees requests for them. */
export const OPS_PATHS = ['/healthz', '/readyz', '/metrics'] as const;

/** The portal's cookies (src/manage/cookies.ts sets them), scoped to MANAGE. */
export const MANAGE_COOKIES = { session: 'fg_manage', form: 'fg_manage_csrf' } as const;

/** The administrator's web view (src/adminweb/), when admin.web.enabled. */
export const ADMIN = '/admin';

/** Its cookies (src/adminweb/session.ts sets them), scoped to ADMIN. */
export const ADMIN_COOKIES = { session: 'fg_admin', form: 'fg_admin_csrf' } as const;

/** The paths factorgate serves itself beside /mfa, by what is turned on: the portal, and /admin when it has no listener of its own. */
export function ownPortalPaths(config: { otp: { enabled: boolean }; admin: { web: { enabled: boolean; port?: number | undefined } } }): string[] {
  return [...(config.otp.enabled ? [MANAGE] : []), ...(config.admin.web.enabled && config.admin.web.port === undefined ? [ADMIN] : [])];
}

/** The note a refused password leaves for the login page (src/http/retry_note.ts), scoped to that page. */
export const RETRY_COOKIE = 'fg_retry';

/** Every cookie factorgate sets, the login's (named by cookies.*) and the portals': never passed to the gateway. */
export function ownCookieNames(login: { handleName: string; deviceName: string; csrfName: string }): string[] {
  return [login.handleName, login.deviceName, login.csrfName, RETRY_COOKIE, MANAGE_COOKIES.session, MANAGE_COOKIES.form, ADMIN_COOKIES.session, ADMIN_COOKIES.form];
}
