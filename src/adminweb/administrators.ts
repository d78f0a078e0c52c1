import type { UserNames } from '../identity/user_names.js';

// Who may use /admin: the users named in admin.users (read as the login reads names, so "ANN" and
// "ann" are one administrator) and the members of admin.ldapGroup, by the groups the directory
// gave at the password step.

export function administrators(config: { users: readonly string[]; ldapGroup?: string | undefined }, userNames: UserNames): (user: string, groups: readonly string[]) => boolean {
  const named = new Set(config.users.map((name) => userNames.fromTyped(name).key));
  const group = config.ldapGroup === undefined ? undefined : sameDn(config.ldapGroup);
  return (user, groups) => named.has(user) || (group !== undefined && groups.some((g) => sameDn(g) === group));
}

/** A DN as compared here: case and the spaces after separators do not matter (RFC 4514 names compare so for the usual attributes). */
function sameDn(dn: string): string {
  return dn.trim().replace(/\s*([,=+])\s*/g, '$1').toLowerCase();
}
