import type { Request, RequestHandler, Response } from 'express';
import type { ActiveFault, GarbageVariant } from './faults.js';
import { readParams } from './params.js';
import { newTransactionId } from './random.js';
import { VERSION } from './replies.js';

/**
 * Runs before Basic auth on /validate only: a broken server is broken for everyone, while the
 * phone and control pages keep working so a person or a test can clear the fault.
 */
export function applyFault(current: () => ActiveFault | undefined): RequestHandler {
  return async (req, res, next) => {
    const fault = current();
    if (!fault) return next();
    if (fault.outcome.kind === 'refuse') {
      req.socket.destroy();
      return;
    }
    if (fault.latencyMs > 0 && !(await stillOpenAfter(fault.latencyMs, res))) return;
    const { outcome } = fault;
    switch (outcome.kind) {
      case 'none':
        return next();
      case 'timeout':
        // Hold the request: the client's timeout or the simulator's close() ends it.
        return;
      case 'status':
        res.status(outcome.status).type('text/plain').send(`simulated HTTP ${outcome.status}\n`);
        return;
      case 'notJson':
        res.status(200).type('text/html')
          .send('<!doctype html><html><head><title>Maintenance</title></head><body><h1>Down for maintenance</h1></body></html>\n');
        return;
      case 'garbage':
        res.status(200).type('application/json').send(JSON.stringify(garbage(req, res, outcome.variant)));
        return;
    }
  };
}

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

/** Waits, but gives up as soon as the client or close() drops the connection. */
function stillOpenAfter(ms: number, res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed && !res.writableEnded);
    }, ms);
    res.once('close', onClose);
  });
}
