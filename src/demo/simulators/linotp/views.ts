import { stateOf, type Transaction } from './transactions.js';

/**
 * A transaction as sim.transactions() and sim.pending() give it: everything, as a copy, with its
 * times as ISO strings and whether it is past its validity while still open (the phone no longer
 * offers it then).
 */
export type LinotpTransaction = Omit<Transaction, 'createdAt' | 'expiresAt' | 'seq'> & { createdAt: string; expiresAt: string; expired: boolean };

/** What the phone shows of a pending transaction (GET /phone.json): not which button is right. */
export type PhoneEntry = {
  transactionid: string;
  user: string;
  serial: string;
  data: string;
  choices: number[];
  code: string;
  createdAt: string;
  expiresAt: string;
  secondsLeft: number;
};

export function transactionView(tx: Transaction, now: number): LinotpTransaction {
  const view: LinotpTransaction = {
    transactionid: tx.transactionid, user: tx.user, serial: tx.serial, data: tx.data, choices: [...tx.choices], code: tx.code,
    createdAt: iso(tx.createdAt), expiresAt: iso(tx.expiresAt), status: tx.status, expired: stateOf(tx, now) === 'expired',
    message: tx.message, receivedCount: tx.receivedCount, wrongCodes: tx.wrongCodes, wrongNumber: tx.wrongNumber, withdrawn: tx.withdrawn,
  };
  if (tx.number !== undefined) view.number = tx.number;
  if (tx.outcome !== undefined) view.outcome = tx.outcome;
  return view;
}

export function phoneEntry(tx: Transaction, now: number): PhoneEntry {
  return {
    transactionid: tx.transactionid, user: tx.user, serial: tx.serial, data: tx.data, choices: [...tx.choices], code: tx.code,
    createdAt: iso(tx.createdAt), expiresAt: iso(tx.expiresAt), secondsLeft: Math.max(0, Math.ceil((tx.expiresAt - now) / 1000)),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
