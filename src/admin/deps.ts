import type { UserNames } from '../identity/user_names.js';
import type { LoginRecords } from '../login/record.js';
import type { DeviceStore } from '../otp/device_store.js';
import type { RecentSignIns } from '../ops/recent_sign_ins.js';
import type { Limits } from '../security/limits.js';
import type { RecoveryCodes } from '../security/recovery_codes.js';
import type { RememberedBrowsers } from '../security/remembered_browsers.js';
import type { AdminAudit } from './audit.js';
import type { PushTokenLister } from './push_tokens.js';

// What the administrator's commands work on: the stores the running factorgate uses, opened
// from the same configuration (open.ts), or handed in by a test.

export type AdminDeps = {
  /** The login state (remembered browsers, limits, recovery codes, logins, recent sign-ins); absent when it lives in another process's memory. */
  state?: {
    browsers: RememberedBrowsers;
    limits: Limits;
    recovery: RecoveryCodes;
    logins: LoginRecords;
    signIns: RecentSignIns;
  };
  /** The TOTP device store (and its passkeys), when otp is enabled. */
  devices?: DeviceStore;
  /** The user's push tokens from the push server, when linotp is configured. */
  pushTokens?: PushTokenLister;
  userNames: UserNames;
  audit: AdminAudit;
  recoveryCodeHours: number;
  now: () => number;
};
