import type { FirstFactorOutcome } from '../ldap/first_factor.js';
import type { UserNames } from '../identity/user_names.js';
import type { VerifyPassword } from '../identity/verify_password.js';
import type { AdminPasswordCheck } from './deps.js';

// The password at /admin, checked where the portal checks it: an LDAP bind when ldap is enabled
// (which also gives the groups admin.ldapGroup is looked for in), else the gateway's own check.

type Ldap = { verify(username: unknown, password: unknown): Promise<FirstFactorOutcome> };

export function adminPasswordCheck(sources: { ldap?: Ldap | undefined; verifyPassword: VerifyPassword; userNames: UserNames }): AdminPasswordCheck {
  const { ldap, verifyPassword, userNames } = sources;
  if (ldap) {
    return async (typed, password) => {
      const checked = await ldap.verify(typed.key, password);
      return checked.outcome === 'success' ? { user: userNames.fromDirectory(checked.account, typed).key, groups: checked.groups } : undefined;
    };
  }
  return async (typed, password, client) => {
    const checked = await verifyPassword(typed, password, client);
    return checked && { user: checked.key, groups: [] };
  };
}
