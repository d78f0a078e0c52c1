import { endEarlierPushLogins } from '../earlier_pushes.js';
import type { Action } from './step.js';

/**
 * PUSH: a push to the user's phone (with allowCode, a code typed by hand is taken too), within the
 * user's pushes per window. A start that checks a PIN or the password (LinOTP otppin 0, 1) is a
 * guess like any other. Once it is sent, the user's earlier logins still waiting on a push end,
 * so the phone offers this one alone.
 */
export const push: Action = async (step) => {
  const withCode = step.policy()?.allowCode === true;
  const provider = step.deps.providers.push(withCode);
  step.use('PUSH', provider.name);
  await step.deps.limits.admitPush(step.record.username);
  const start = () => provider.start(step.context());
  const outcome = provider.startChecksSecret
    ? await step.deps.limits.guess(step.record.username, start, (o) => o.outcome === 'fail' && o.reason === 'push_refused')
    : await start();
  if (outcome.outcome === 'challenge') {
    await endEarlierPushLogins(step.deps, step.record);
    await step.deps.records.notePush(step.record);
  }
  return step.result(outcome);
};
