import { codeAccepted, codeRefused, type Reply } from './replies.js';
import type { StepDeps, StepParams } from './steps.js';
import type { CodeOutcome } from './transactions.js';

const MESSAGES: Record<Exclude<CodeOutcome, 'accepted'>, string> = {
  wrong: 'wrong otp value',
  rejected: 'wrong otp value: too many attempts, transaction rejected',
  unknown: 'no such transaction for this user',
  closed: 'transaction already closed',
  expired: 'transaction expired',
};

/**
 * /validate/check with a transactionid: the one-time code the phone shows, typed by hand.
 * `pass` is the code alone in every otppin mode: the transaction id stands for the PIN check
 * already passed when the push was triggered, as with LinOTP's challenge-response.
 */
export function checkCode({ transactions, options }: StepDeps, params: StepParams): Reply {
  const outcome = transactions.tryCode(params.transactionid ?? '', params.user, params.pass ?? '', options.now(), options.maxCodeAttempts);
  return outcome === 'accepted' ? codeAccepted() : codeRefused(MESSAGES[outcome]);
}
