import { FactorgateError } from '../../errors.js';
import { checkAnswer } from '../answers.js';
import { openPassword } from '../sealed_credentials.js';
import type { Action, ActionStep } from './step.js';

/**
 * OTP_CODE: factorgate's own codes, from an authenticator app. The code from this factor's form
 * when it has an otp field, else a page that asks. Enrolling a first app (otp.withoutDevice:
 * enrol) needs the password known to be right; so that a wrong password does not learn who has
 * an app, it is checked for every user when enrolment is on.
 */
export const otpCode: Action = async (step) => {
  const { deps } = step;
  const provider = deps.providers.totp();
  step.use('OTP_CODE', 'totp');
  if (deps.config.otp.withoutDevice === 'enrol' && !(await passwordRight(step, 'otp_enrol'))) return 'fail';
  const started = await provider.start(step.context());
  if (started.outcome === 'fail' && started.reason === 'no_otp_device' && deps.config.otp.withoutDevice === 'enrol') {
    return step.result(await provider.enrol(step.context()));
  }
  const typed = step.field('otp');
  if (typed === undefined || started.outcome !== 'challenge') return step.result(started);
  const outcome = await checkAnswer(deps, provider, step.context(), started.state, { passcode: typed, rememberDevice: false });
  const notice = step.wrongAnswer(outcome);
  if (notice) {
    // A typo in the form is not the end: the code page asks again, within the same limits.
    step.notice = notice;
    step.result(started);
    return { challenge: started.challenge };
  }
  return step.result(outcome);
};

/** Whether the password is right, checked now (as one guess) where no earlier step has checked it. */
async function passwordRight(step: ActionStep, before: string): Promise<boolean> {
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
