import type { Response } from 'express';
import { MANAGE } from '../http/paths.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { OtpDeps } from '../otp/check_code.js';
import type { DeviceStore } from '../otp/device_store.js';
import type { RegistrationDeps } from '../providers/webauthn/registration.js';
import type { WebauthnProvider } from '../providers/webauthn/webauthn_provider.js';
import type { Totp } from '../otp/totp.js';
import type { Keyring } from '../security/keyring.js';
import type { RememberedBrowsers } from '../security/remembered_browsers.js';
import type { Limits } from '../security/limits.js';
import type { UserNames } from '../identity/user_names.js';
import type { VerifyPassword } from '../identity/verify_password.js';
import type { Store } from '../state/store.js';

// What the /manageotp portal needs from the rest of factorgate, built in src/factorgate.ts.

export type ManageDeps = {
  store: DeviceStore;
  keyring: Keyring;
  totp: Totp;
  /** Portal sessions (the login state store: memory or Redis). */
  sessions: Store;
  /** The login's limits: the portal spends the same budgets. */
  limits: Limits;
  /** Makes the typed name the user's key, as the login does. */
  userNames: UserNames;
  /** Longest user name and password accepted, as at login. */
  login: Pick<Config['login'], 'maxUsernameLength' | 'maxPasswordLength'>;
  /** The first factor: an LDAP bind or a replay to the gateway. */
  verifyPassword: VerifyPassword;
  cookies: { secure: boolean; sameSite: 'lax' | 'strict' };
  logger: Logger;
  clock: Clock;
  /** Active devices a user may register (otp.maxDevices). */
  maxDevices: number;
  /** Passkeys and security keys, when webauthn.enabled: registered here, and a second factor to sign in here. */
  webauthn?: RegistrationDeps & { provider: WebauthnProvider };
  /** The user's remembered browsers, listed and forgotten here (factorgate always wires them; without, the home page has no such list). */
  browsers?: PortalBrowsers;
};

/** What the portal needs of the login's remembered browsers (its DeviceKey cookies). */
export type PortalBrowsers = {
  records: RememberedBrowsers;
  /** The cookie's name (cookies.deviceName): its copy under /manageotp names the browser in use. */
  cookieName: string;
  /** Expires this browser's DeviceKey cookies, the login's and the portal's copy, with the login's attributes. */
  clearCookies(res: Response): void;
};

export const otpDeps = (deps: ManageDeps): OtpDeps => ({
  store: deps.store, keyring: deps.keyring, totp: deps.totp, clock: deps.clock, logger: deps.logger,
});

/** Every URL of the portal starts here; its cookies are scoped to it. */
export const BASE = MANAGE;

/** ASVS 3.3.2: an absolute lifetime, not extended by activity; enough to add and test one device. */
export const SESSION_TTL_MS = 10 * 60 * 1000;
