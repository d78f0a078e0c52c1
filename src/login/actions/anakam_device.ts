import type { Action } from './step.js';

/**
 * ANAKAM_DEVICE: a remembered device, checked by the two-factor server. Without a cookie that
 * opened for this user there is nothing to ask it; a device it no longer knows loses its cookie,
 * and the next page says why.
 */
export const anakamDevice: Action = async (step) => {
  const credential = step.device();
  if (credential === undefined) return 'fail';
  step.use('ANAKAM_DEVICE', 'anakam');
  const result = step.result(await step.deps.providers.anakam().checkDevice(step.context(), credential));
  if (result === 'fail') {
    step.forgetDevice = true;
    step.notice = { code: 'device_refused' };
  }
  return result;
};
