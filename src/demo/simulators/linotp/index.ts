import express from 'express';
import { SimulatorServer } from '../http_server.js';
import { localOnly } from '../local_only.js';
import { applyFault } from './apply_fault.js';
import { basicAuth } from '../basic_auth.js';
import { controlRoutes } from '../control_routes.js';
import { checkFault, type ActiveFault, type LinotpFault } from './faults.js';
import { resolveLinotpOptions, type LinotpSimulatorOptions, type OtpPin, type ResolvedLinotpOptions } from './options.js';
import { readBody } from './params.js';
import { phoneRoutes } from './phone_routes.js';
import { PinCheck } from './pin_check.js';
import { Transactions, type PhoneOutcome } from './transactions.js';
import { validateRoutes } from './validate_routes.js';
import { adminRoutes } from './admin_routes.js';
import { phoneEntry, transactionView, type LinotpTransaction, type PhoneEntry } from './views.js';

export type { LinotpSimulatorOptions, LinotpUser, OtpPin } from './options.js';
export type { LinotpFault } from './faults.js';
export type { PhoneOutcome } from './transactions.js';
export type { LinotpTransaction, PhoneEntry } from './views.js';
export type { Reply as LinotpReply, TransactionStatus } from './replies.js';
export { ERROR_CODES } from './replies.js';

/**
 * The LinOTP-style push server of docs/design.md, in memory: /validate/check and
 * /validate/check_status, /admin/show (the token listing), a phone page in place of the push app, and faults on demand.
 * See src/demo/simulators/README.md.
 */
export function createLinotpSimulator(options: LinotpSimulatorOptions = {}): LinotpSimulator {
  return new LinotpSimulator(resolveLinotpOptions(options));
}

export class LinotpSimulator {
  private readonly store = new Transactions();
  private readonly server: SimulatorServer;
  private active: ActiveFault | undefined;

  constructor(private readonly options: ResolvedLinotpOptions) {
    this.active = options.fault ? checkFault(options.fault) : undefined;
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    const pins = new PinCheck(options.users, options.otppin);
    const auth = options.basicAuth ? [basicAuth(options.basicAuth.user, options.basicAuth.password, 'linotp')] : [];
    app.use('/validate', readBody(), applyFault(() => this.active), ...auth, validateRoutes({ transactions: this.store, pins, options }));
    // The token listing has the same faults, so a test can refuse it (status 403, 404) or hold it (timeout).
    app.use('/admin', readBody(), applyFault(() => this.active), ...auth, adminRoutes(options));
    app.use(localOnly());
    app.get('/', (_req, res) => res.redirect(302, '/phone'));
    app.use(phoneRoutes({ transactions: this.store, options }));
    app.use('/_control', controlRoutes(this));
    app.use((_req, res) => void res.status(404).type('text/plain').send('not found\n'));
    this.server = new SimulatorServer(app);
  }

  /** The root URL (what factorgate's LinOTP base URL takes); throws before listen(). */
  get url(): string {
    return this.server.url;
  }

  get otppin(): OtpPin {
    return this.options.otppin;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    return this.server.listen(port, host);
  }

  /** Stops listening and drops every connection, including requests held by a `timeout` fault. */
  close(): Promise<void> {
    return this.server.close();
  }

  /** Throws an Error naming what is wrong with the fault. */
  setFault(fault: LinotpFault): void {
    this.active = checkFault(fault);
  }

  clearFault(): void {
    this.active = undefined;
  }

  fault(): LinotpFault | undefined {
    return this.active?.given;
  }

  /** Forgets every transaction and clears the fault. */
  reset(): void {
    this.store.reset();
    this.active = undefined;
  }

  /** Every transaction, of one user or all, newest first, whatever its state. */
  transactions(user?: string): LinotpTransaction[] {
    const now = this.options.now();
    return this.store.list(user).map((tx) => transactionView(tx, now));
  }

  /** What the phone shows for this user: open, unexpired transactions, newest first. */
  pending(user: string): LinotpTransaction[] {
    const now = this.options.now();
    return this.store.pending(now, user).map((tx) => transactionView(tx, now));
  }

  /** What GET /phone.json shows: every user's pending transactions, without the right number. */
  phone(): PhoneEntry[] {
    const now = this.options.now();
    return this.store.pending(now).map((tx) => phoneEntry(tx, now));
  }

  /** The one-time code of a transaction, whatever its state. */
  codeFor(transactionid: string): string | undefined {
    return this.store.get(transactionid)?.code;
  }

  /**
   * Taps Allow on the phone. Without a number, the right one (the transaction's own); with a
   * number, that button: a wrong one rejects the transaction, as on the page.
   */
  approve(transactionid: string, number?: number): PhoneOutcome {
    const chosen = number ?? this.store.get(transactionid)?.number;
    return this.store.answerOnPhone(transactionid, { allow: true, number: chosen }, this.options.now());
  }

  /** Taps Deny on the phone. */
  deny(transactionid: string): PhoneOutcome {
    return this.store.answerOnPhone(transactionid, { allow: false }, this.options.now());
  }
}
