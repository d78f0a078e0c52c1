import { FactorgateError } from '../../errors.js';
import { openPassword } from '../sealed_credentials.js';
import type { Action } from './step.js';

/**
 * LDAP_BIND: the password checked by a bind, as one guess against the user's limit. A password
 * field in this factor's form is what is bound with; else the login page's password. From here on
 * the user is who the directory says, with the groups it lists.
 */
export const ldapBind: Action = async (step) => {
  const { firstFactor, limits, keyring, userNames } = step.deps;
  const { record } = step;
  if (!firstFactor) throw new FactorgateError('internal', 'LDAP_BIND without an ldap section');
  const password = step.field('password') ?? openPassword(record, keyring);
  const checked = await limits.guess(record.username, () => firstFactor.verify(record.username, password, record.deadline), (c) => c.outcome === 'fail');
  if (checked.outcome === 'fail') return step.passwordRefused({ firstFactor: 'ldap' });
  await step.passwordRight(userNames.fromDirectory(checked.account, step.user()), checked.groups);
  return 'success';
};
