import type { Request, RequestHandler, Response } from 'express';
import { applyFault as applyFaultOf } from '../fault_core.js';
import type { ActiveFault, GarbageVariant } from './faults.js';
import { readParams } from './params.js';
import { newTransactionId } from './random.js';
import { VERSION } from './replies.js';

/**
 * Runs before Basic auth on /validate only: a broken server is broken for everyone, while the
 * phone and control pages keep working so a person or a test can clear the fault.
 */
export const applyFault = (current: () => ActiveFault | undefined): RequestHandler =>
  applyFaultOf(current, (req, res, variant) => ({ type: 'application/json', body: JSON.stringify(garbage(req, res, variant)) }));

/**
 * JSON that must not be trusted, shaped like the reply the route would give on success:
 *   types        booleans as strings ("true"), the transaction id and counts as numbers
 *   transaction  check_status: an approval keyed under another transaction id than the one
 *                asked; check (push): a transaction id that is not 12 digits. A typed-code check
 *                names no transaction, so it gets the 'types' reply.
 */
function garbage(req: Request, res: Response, variant: GarbageVariant): unknown {
  const read = readParams(req, res);
  const asked = read.ok ? read.params.transactionid : undefined;
  const envelope = { version: VERSION, jsonrpc: '2.0' };
  if (/\/check_status\/?$/.test(req.path)) {
    const approved = { status: 'closed', token: { serial: 'PUSH0001', type: 'push' }, received_count: 1, message: 'accepted on the phone' };
    if (variant === 'types') {
      const entry = { ...approved, received_tan: 'true', valid_tan: 'true', received_count: '1', accept: 'true' };
      return { ...envelope, result: { status: 'true', value: 'true' }, detail: { transactions: { [asked ?? newTransactionId()]: entry } } };
    }
    let other = newTransactionId();
    while (other === asked) other = newTransactionId();
    const entry = { ...approved, received_tan: true, valid_tan: true, accept: true };
    return { ...envelope, result: { status: true, value: true }, detail: { transactions: { [other]: entry } } };
  }
  if (asked !== undefined) return { ...envelope, result: { status: 'true', value: 'true' }, detail: { message: 'matching 1 tokens' } };
  const sent = { linotp_tokenserial: 'PUSH0001', linotp_tokentype: 'push', message: 'push sent' };
  return variant === 'types'
    ? { ...envelope, result: { status: 'true', value: 'false' }, detail: { transactionid: Number(newTransactionId()), ...sent } }
    : { ...envelope, result: { status: true, value: false }, detail: { transactionid: '', ...sent } };
}
