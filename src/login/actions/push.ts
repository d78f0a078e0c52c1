import type { Action } from './step.js';

/**
 * PUSH: a push to the user's phone (with allowCode, a code typed by hand is taken too). A start
 * that checks a PIN or the password (LinOTP otppin 0, 1) is a guess like any other.
 */
export const push: Action = async (step) => {
  const withCode = step.policy()?.allowCode === true;
  const provider = step.deps.providers.push(withCode);
  step.use('PUSH', provider.name);
  const start = () => provider.start(step.context());
  const outcome = provider.startChecksSecret
    ? await step.deps.limits.guess(step.record.username, start, (o) => o.outcome === 'fail' && o.reason === 'push_refused')
    : await start();
  return step.result(outcome);
};
