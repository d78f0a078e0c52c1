import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Client } from '../login/access.js';
import type { Logger } from '../log.js';
import type { OtpDeps } from '../otp/check_code.js';
import type { DeviceStore } from '../otp/device_store.js';
import type { Totp } from '../otp/totp.js';
import type { Keyring } from '../security/keyring.js';
import type { RateLimiter } from '../security/rate_limiter.js';
import type { Store } from '../state/store.js';

// What the /manageotp portal needs from the rest of factorgate, built in src/factorgate.ts.

export type ManageDeps = {
  store: DeviceStore;
  keyring: Keyring;
  totp: Totp;
  /** Portal sessions (the login state store: memory or Redis). */
  sessions: Store;
  limiter: RateLimiter;
  limits: Config['limits'];
  /** Longest user name and password accepted, as at login. */
  login: Pick<Config['login'], 'maxUsernameLength' | 'maxPasswordLength'>;
  /** The first factor: an LDAP bind or a replay to the gateway. False for a wrong password and an unknown user alike. */
  verifyPassword: (username: string, password: string, client: Client) => Promise<boolean>;
  cookies: { secure: boolean; sameSite: 'lax' | 'strict' };
  logger: Logger;
  clock: Clock;
  /** Active devices a user may register (otp.maxDevices). */
  maxDevices: number;
};

export const otpDeps = (deps: ManageDeps): OtpDeps => ({
  store: deps.store, keyring: deps.keyring, totp: deps.totp, clock: deps.clock, logger: deps.logger,
});

/** Every URL of the portal starts here; its cookies are scoped to it. */
export const BASE = '/manageotp';

/** ASVS 3.3.2: an absolute lifetime, not extended by activity; enough to add and test one device. */
export const SESSION_TTL_MS = 10 * 60 * 1000;
