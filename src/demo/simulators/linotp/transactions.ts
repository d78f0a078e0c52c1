import { createHash, timingSafeEqual } from 'node:crypto';
import { choicesFor, newCode, newTransactionId } from './random.js';

/** One push: open until the phone or a typed code decides it, then closed for good. */
export type Transaction = {
  transactionid: string;
  user: string;
  serial: string;
  /** What factorgate said the login is (the `data` parameter), shown on the phone. */
  data: string;
  /** The number factorgate shows beside the login; absent when it sent none. */
  number?: number;
  /** The buttons the phone offers: `number` and two decoys, fixed at creation; empty without a number. */
  choices: number[];
  code: string;
  createdAt: number;
  expiresAt: number;
  status: 'open' | 'closed';
  outcome?: 'accepted' | 'rejected';
  message: string;
  receivedCount: number;
  wrongCodes: number;
  /** Rejected because the phone's user picked a number other than the login page's. */
  wrongNumber: boolean;
  /** Withdrawn by the login that asked for it (cancelled, resent, given up, timed out): void, shown as expired. */
  withdrawn: boolean;
  /** Creation order, which the clock cannot give when it stands still. */
  seq: number;
};

export type NewTransaction = { user: string; serial: string; data: string; number?: number; now: number; validityMs: number };

/** What the phone (page or sim.approve/deny) answered. A number must equal the transaction's, both absent included. */
export type PhoneAnswer = { allow: true; number?: number } | { allow: false };
export type PhoneOutcome = 'accepted' | 'rejected' | 'denied' | Unanswerable;
export type CodeOutcome = 'accepted' | 'wrong' | 'rejected' | Unanswerable;
/** No such transaction (or not this user's), already decided, or past its validity. */
export type Unanswerable = 'unknown' | 'closed' | 'expired';

// Transactions are forgotten this long after they expire, so memory stays bounded; until then
// check_status keeps answering for them.
const KEEP_MS = 60 * 60_000;
/** Old transactions are looked for at most this often, as pushes are made. */
const SWEEP_EVERY_MS = 60_000;

/** Every transaction, in memory; reset() forgets them all. */
export class Transactions {
  private readonly byId = new Map<string, Transaction>();
  private seq = 0;
  private sweptAt = -Infinity;

  create({ user, serial, data, number, now, validityMs }: NewTransaction): Transaction {
    this.forgetOld(now);
    let transactionid = newTransactionId();
    while (this.byId.has(transactionid)) transactionid = newTransactionId();
    const tx: Transaction = {
      transactionid, user, serial, data, number, choices: number === undefined ? [] : choicesFor(number), code: newCode(),
      createdAt: now, expiresAt: now + validityMs, status: 'open', message: '', receivedCount: 0, wrongCodes: 0, wrongNumber: false, withdrawn: false, seq: ++this.seq,
    };
    this.byId.set(transactionid, tx);
    return tx;
  }

  get(transactionid: string): Transaction | undefined {
    return this.byId.get(transactionid);
  }

  /** Of one user or all, newest first, whatever their state. */
  list(user?: string): Transaction[] {
    return [...this.byId.values()].filter((tx) => user === undefined || tx.user === user).sort((a, b) => b.seq - a.seq);
  }

  /** Open and not expired: what the phone shows. Newer pushes do not void older ones: a withdrawal does. */
  pending(now: number, user?: string): Transaction[] {
    return this.list(user).filter((tx) => stateOf(tx, now) === 'open');
  }

  answerOnPhone(transactionid: string, answer: PhoneAnswer, now: number): PhoneOutcome {
    const tx = this.byId.get(transactionid);
    const state = stateOf(tx, now);
    if (!tx || state !== 'open') return state as Unanswerable;
    tx.receivedCount += 1;
    if (!answer.allow) return close(tx, 'rejected', 'denied on the phone', 'denied');
    // Number matching: a wrong pick may mean the user did not start this login, so it dies; it is
    // reported apart from a Deny, as it may as well be a slip (factorgate offers a new push).
    if (answer.number !== tx.number) {
      tx.wrongNumber = true;
      return close(tx, 'rejected', 'wrong number chosen on the phone', 'rejected');
    }
    return close(tx, 'accepted', 'accepted on the phone', 'accepted');
  }

  /** A one-time code typed by hand; the max-th wrong one rejects the transaction. */
  tryCode(transactionid: string, user: string, code: string, now: number, maxAttempts: number): CodeOutcome {
    const tx = this.byId.get(transactionid);
    // Another user's transaction is no transaction at all to this caller.
    const state = tx?.user === user ? stateOf(tx, now) : 'unknown';
    if (!tx || state !== 'open') return state as Unanswerable;
    tx.receivedCount += 1;
    if (sameText(code, tx.code)) return close(tx, 'accepted', 'accepted by one-time code', 'accepted');
    tx.wrongCodes += 1;
    return tx.wrongCodes >= maxAttempts ? close(tx, 'rejected', 'too many wrong one-time codes', 'rejected') : 'wrong';
  }

  /**
   * The login that started this push no longer waits for it: it is closed without a verdict, and
   * the phone answers a late Allow with "expired". Only the user's own open transaction.
   */
  withdraw(transactionid: string, user: string, now: number): 'withdrawn' | Unanswerable {
    const tx = this.byId.get(transactionid);
    const state = tx?.user === user ? stateOf(tx, now) : 'unknown';
    if (!tx || state !== 'open') return state as Unanswerable;
    tx.withdrawn = true;
    tx.status = 'closed';
    tx.message = 'withdrawn by the login';
    return 'withdrawn';
  }

  reset(): void {
    this.byId.clear();
  }

  // At most once a minute of the simulator's clock: a walk over every transaction per push was
  // quadratic in a long benchmark.
  private forgetOld(now: number): void {
    if (now - this.sweptAt < SWEEP_EVERY_MS) return;
    this.sweptAt = now;
    for (const [id, tx] of this.byId) if (tx.expiresAt + KEEP_MS < now) this.byId.delete(id);
  }
}

export function stateOf(tx: Transaction | undefined, now: number): 'open' | Unanswerable {
  if (!tx) return 'unknown';
  // A withdrawn push is over for the user as much as a timed-out one: the phone says so alike.
  if (tx.withdrawn) return 'expired';
  if (tx.status === 'closed') return 'closed';
  return now >= tx.expiresAt ? 'expired' : 'open';
}

function close<T extends string>(tx: Transaction, outcome: 'accepted' | 'rejected', message: string, result: T): T {
  tx.status = 'closed';
  tx.outcome = outcome;
  tx.message = message;
  return result;
}

function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
