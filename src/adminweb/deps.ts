import type { Actor } from '../admin/audit.js';
import type { AdminDeps } from '../admin/deps.js';
import type { RecentActions } from '../admin/recent_actions.js';
import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Client } from '../http/request.js';
import type { UserName, UserNames } from '../identity/user_names.js';
import type { Logger } from '../log.js';
import type { OutcomeCounts } from '../ops/outcome_counts.js';
import type { DeviceStore } from '../otp/device_store.js';
import type { Totp } from '../otp/totp.js';
import type { Keyring } from '../security/keyring.js';
import type { Limits } from '../security/limits.js';
import type { PasskeyPortalSignIn } from '../providers/webauthn/portal_sign_in.js';
import type { Store } from '../state/store.js';

// What the administrator's web view needs from the rest of factorgate, built in src/factorgate.ts.

/** The password of someone signing in to /admin: their key and, from the directory, their groups; undefined for "no". */
export type AdminPasswordCheck = (typed: UserName, password: string, client: Client) => Promise<{ user: string; groups: readonly string[] } | undefined>;

export type AdminWebDeps = {
  /** The login state store: the sessions of /admin live here too. */
  store: Store;
  /** The device store: administrators' own apps (their second factor) and users' devices. */
  devices: DeviceStore;
  keyring: Keyring;
  totp: Totp;
  /** The login's limits: sign-ins to /admin spend the same budgets. */
  limits: Limits;
  userNames: UserNames;
  login: Pick<Config['login'], 'maxUsernameLength' | 'maxPasswordLength'>;
  checkPassword: AdminPasswordCheck;
  /** Passkeys as the administrator's second factor, beside the app's code, when webauthn.enabled. */
  passkeys?: PasskeyPortalSignIn | undefined;
  /** Is this user (key, and groups from the directory) an administrator? */
  isAdministrator: (user: string, groups: readonly string[]) => boolean;
  /** The actions (src/admin/actions.ts) over the running stores, audited as done by `actor`. */
  actionsFor: (actor: Actor) => AdminDeps;
  recentActions: RecentActions;
  outcomes: OutcomeCounts;
  cookies: { secure: boolean };
  /** Minutes without a request after which a session ends. */
  idleMinutes: number;
  logger: Logger;
  clock: Clock;
};
