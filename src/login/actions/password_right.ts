import { FactorgateError } from '../../errors.js';
import { openPassword } from '../sealed_credentials.js';
import type { ActionStep } from './step.js';

/** Whether the password is right, checked now (as one guess) where no earlier step has checked it. */
export async function passwordRight(step: ActionStep, before: string): Promise<boolean> {
  const { record, deps } = step;
  if (record.passwordChecked) return true;
  if (!deps.verifyPassword) throw new FactorgateError('internal', `${before} without a password check`);
  const verify = deps.verifyPassword;
  const password = openPassword(record, deps.keyring);
  const checked = await deps.limits.guess(record.username, () => verify(step.user(), password, { ip: record.clientIp, userAgent: record.userAgent }), (u) => u === undefined);
  if (!checked) {
    step.passwordRefused({ before });
    return false;
  }
  await step.passwordRight(checked);
  return true;
}
