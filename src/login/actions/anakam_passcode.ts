import type { Action } from './step.js';

/** ANAKAM_PASSCODE: a passcode sent by the two-factor server, by e-mail or SMS. */
export const anakamPasscode: Action = async (step) => {
  const { record } = step;
  // The auth key of a refused device, when there was one: the server sees one login.
  const prior = record.provider === 'anakam' ? record.providerState : undefined;
  step.use('ANAKAM_PASSCODE', 'anakam');
  return step.result(await step.deps.providers.anakam().start(step.context(), undefined, prior));
};
