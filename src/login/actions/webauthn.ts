import { passwordRight } from './password_right.js';
import type { Action } from './step.js';

/**
 * WEBAUTHN: a passkey or security key the user registered at /manageotp. The browser is given
 * the user's credential ids, which tell who has a key: so the password is known to be right first
 * (checked now, as one guess, when no earlier step has). The assertion is posted to /mfa/webauthn.
 */
export const webauthn: Action = async (step) => {
  const provider = step.deps.providers.webauthn();
  step.use('WEBAUTHN', 'webauthn');
  if (!(await passwordRight(step, 'webauthn'))) return 'fail';
  return step.result(await provider.start(step.context()));
};
