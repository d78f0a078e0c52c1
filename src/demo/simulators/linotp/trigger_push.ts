import { badRequest, pushSent, wrongPin, type Reply } from './replies.js';
import type { StepDeps, StepParams } from './steps.js';

const NUMBER = /^[1-9][0-9]$/;

/**
 * /validate/check without a transactionid: with the right `pass` for a user with a push token,
 * opens a transaction and "sends" the push (it appears on /phone). Older open transactions of
 * the same user stay open: factorgate voids them by ignoring them.
 */
export function triggerPush({ transactions, pins, options }: StepDeps, params: StepParams): Reply {
  // Malformed requests are refused before the PIN is looked at, whoever the user is.
  if (params.content_type !== '0') return badRequest("parameter 'content_type' must be 0: the simulator has push tokens only");
  if (!params.data) return badRequest("Missing parameter: 'data'");
  if (params.number !== undefined && !NUMBER.test(params.number)) return badRequest("parameter 'number' must be a number from 10 to 99");
  const token = pins.tokenFor(params.user, params.pass ?? '');
  if (!token) return wrongPin();
  const tx = transactions.create({
    user: params.user,
    serial: token.serial,
    data: params.data,
    number: params.number === undefined ? undefined : Number(params.number),
    now: options.now(),
    validityMs: options.validityMs,
  });
  return pushSent(tx.transactionid, token.serial);
}
