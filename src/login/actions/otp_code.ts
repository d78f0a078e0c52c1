import { checkAnswer } from '../answers.js';
import { passwordRight } from './password_right.js';
import type { Action } from './step.js';

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
  const notice = await step.wrongAnswer(outcome);
  if (notice) {
    // A typo in the form is not the end: the code page asks again, within the same limits.
    step.notice = notice;
    step.result(started);
    return { challenge: started.challenge };
  }
  return step.result(outcome);
};
