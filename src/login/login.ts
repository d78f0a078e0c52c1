import type { Config } from '../config/schema.js';
import type { LoginDeps } from './deps.js';
import { LoginOutcomes } from './outcomes.js';

/** What every endpoint of the login shares: its dependencies, its endings, and how long one post may hold a login. */
export type Login = { deps: LoginDeps; outcomes: LoginOutcomes; lockMs: number };

export const makeLogin = (deps: LoginDeps): Login => ({ deps, outcomes: new LoginOutcomes(deps), lockMs: lockMs(deps.config) });

/** How long one post may hold its login: a few of the slowest callout a step can make (each is bounded by its timeout). */
function lockMs(config: Config): number {
  const timeouts = [config.anakam.timeoutMs, config.linotp?.timeoutMs ?? 0, config.ldap.enabled ? config.ldap.timeoutMs : 0, config.otp.ldap.timeoutMs];
  return 4 * Math.max(...timeouts);
}
