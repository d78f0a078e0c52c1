import type { Config } from '../config/schema.js';
import type { CompiledFlow, RuleFacts } from '../flows/index.js';
import type { HeldSessions } from '../gateway/held_sessions.js';
import type { GatewayReplayer } from '../gateway/replay.js';
import type { UserNames } from '../identity/user_names.js';
import type { VerifyPassword } from '../identity/verify_password.js';
import type { LdapFirstFactor } from '../ldap/first_factor.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../ops/metrics.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { Keyring } from '../security/keyring.js';
import type { Limits } from '../security/limits.js';
import type { RecoveryCodes } from '../security/recovery_codes.js';
import type { RememberedBrowsers } from '../security/remembered_browsers.js';
import type { LoginRecords } from './record.js';

// What the login needs from the rest of factorgate, built in src/factorgate.ts.

export type LoginDeps = {
  config: Config;
  /** The login's flow: the configured one, or the default built from ldap and providers. */
  flow: CompiledFlow;
  providers: ProviderRegistry;
  /** The provider the providers section's policies choose for a login (the rule name providers.choice). */
  chooseProvider: (facts: RuleFacts) => string;
  keyring: Keyring;
  limits: Limits;
  /** Makes the user's key from the directory's account name after LDAP_BIND. */
  userNames: UserNames;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** The LDAP bind, for the flow action LDAP_BIND. */
  firstFactor?: LdapFirstFactor;
  /** The password checked where the flow has not (an LDAP bind when configured, else at the gateway). */
  verifyPassword?: VerifyPassword;
  replayer: GatewayReplayer;
  /** Gateway sessions opened by GATEWAY_PASSWORD, held until the second factor holds. */
  heldSessions: HeldSessions;
  records: LoginRecords;
  /** The remembered browsers (DeviceKey cookies) issued and not revoked. */
  browsers: RememberedBrowsers;
  /** One-time codes the help desk issues (factorgate admin recovery-code). */
  recovery: RecoveryCodes;
};
