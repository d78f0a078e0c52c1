import { answer, badRequest, wrongPin, type Reply } from './replies.js';
import type { StepDeps, StepParams } from './steps.js';

/**
 * /validate/cancel_transaction: the login that triggered a push no longer waits for it (factorgate's
 * withdrawal, docs/design.md). `pass` is checked as for triggering it; only the user's own open
 * transaction is withdrawn, and `value` says whether one was.
 */
export function withdrawPush({ transactions, pins, options }: StepDeps, params: StepParams): Reply {
  if (!params.transactionid) return badRequest("Missing parameter: 'transactionid'");
  if (!pins.tokenFor(params.user, params.pass ?? '')) return wrongPin();
  const outcome = transactions.withdraw(params.transactionid, params.user, options.now());
  return answer(outcome === 'withdrawn', { message: outcome === 'withdrawn' ? 'transaction withdrawn' : `nothing to withdraw: ${outcome}` });
}
