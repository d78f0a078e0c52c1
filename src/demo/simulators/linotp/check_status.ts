import { badRequest, ERROR_CODES, failure, statusOf, TOKEN_TYPE, wrongPin, type Reply, type TransactionStatus } from './replies.js';
import type { StepDeps, StepParams } from './steps.js';
import type { Transaction } from './transactions.js';

/**
 * /validate/check_status: where a push stands. `pass` is checked as for triggering it. Past its
 * validity an undecided transaction still says `open`: the client decides expiry.
 */
export function checkStatus({ transactions, pins }: StepDeps, params: StepParams): Reply {
  if (!params.transactionid) return badRequest("Missing parameter: 'transactionid'");
  if (!pins.tokenFor(params.user, params.pass ?? '')) return wrongPin();
  const tx = transactions.get(params.transactionid);
  if (!tx || tx.user !== params.user) return failure(ERROR_CODES.unknownTransaction, 'no such transaction for this user');
  return statusOf(tx.transactionid, statusEntry(tx));
}

export function statusEntry(tx: Transaction): TransactionStatus {
  const entry: TransactionStatus = {
    status: tx.status,
    token: { serial: tx.serial, type: TOKEN_TYPE },
    received_tan: tx.receivedCount > 0,
    valid_tan: tx.outcome === 'accepted',
    received_count: tx.receivedCount,
    message: tx.message,
  };
  if (tx.outcome === 'accepted') entry.accept = true;
  if (tx.outcome === 'rejected') entry.reject = true;
  if (tx.wrongNumber) entry.wrong_number = true;
  return entry;
}
