import express from 'express';
import { SimulatorServer } from '../http_server.js';
import { localOnly } from '../local_only.js';
import { apiRoutes } from './api_routes.js';
import { applyFault } from './apply_fault.js';
import { basicAuth } from '../basic_auth.js';
import { CallLog, type AnakamCall } from './calls.js';
import { controlRoutes } from '../control_routes.js';
import { checkFault, type ActiveFault, type AnakamFault } from './faults.js';
import { resolveAnakamOptions, type ResolvedAnakamOptions, type AnakamSimulatorOptions } from './options.js';
import { Outbox, type OutboxMessage } from './outbox.js';
import { outboxRoutes } from './outbox_routes.js';
import { AnakamState } from './state.js';

export type { AnakamSimulatorOptions, AnakamUser } from './options.js';
export type { AnakamFault } from './faults.js';
export type { OutboxMessage } from './outbox.js';
export type { AnakamCall } from './calls.js';

/**
 * The Anakam-style two-factor server of docs/design.md, in memory, with an outbox in
 * place of e-mail and SMS and faults on demand. See src/demo/simulators/README.md.
 */
export function createAnakamSimulator(options: AnakamSimulatorOptions = {}): AnakamSimulator {
  return new AnakamSimulator(resolveAnakamOptions(options));
}

export class AnakamSimulator {
  private readonly state = new AnakamState();
  private readonly messages = new Outbox();
  private readonly log = new CallLog();
  private readonly server: SimulatorServer;
  private active: ActiveFault | undefined;

  constructor(private readonly options: ResolvedAnakamOptions) {
    this.active = options.fault ? checkFault(options.fault) : undefined;
    const app = express();
    app.disable('x-powered-by');
    app.set('etag', false);
    const deps = { state: this.state, outbox: this.messages, calls: this.log, options };
    app.use('/tfa/api', applyFault(() => this.active), basicAuth(options.apiUser, options.apiPassword, 'tfa'), apiRoutes(deps));
    app.use(localOnly());
    app.get('/', (_req, res) => res.redirect(302, '/outbox'));
    app.use(outboxRoutes(this.messages));
    app.use('/_control', controlRoutes(this));
    app.use((_req, res) => void res.status(404).type('text/plain').send('not found\n'));
    this.server = new SimulatorServer(app);
  }

  get apiUser(): string {
    return this.options.apiUser;
  }

  get apiPassword(): string {
    return this.options.apiPassword;
  }

  /** The API base path, /tfa/api/{version}/{tenant}. */
  get basePath(): string {
    return `/tfa/api/${this.options.version}/${this.options.tenant}`;
  }

  /** The root URL (what factorgate's tfa.baseUrl takes); throws before listen(). */
  get url(): string {
    return this.server.url;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    return this.server.listen(port, host);
  }

  /** Stops listening and drops every connection, including requests held by a `timeout` fault. */
  close(): Promise<void> {
    return this.server.close();
  }

  /** Throws an Error naming what is wrong with the fault. */
  setFault(fault: AnakamFault): void {
    this.active = checkFault(fault);
  }

  clearFault(): void {
    this.active = undefined;
  }

  fault(): AnakamFault | undefined {
    return this.active?.given;
  }

  /** Forgets every auth key, passcode, lock, device, outbox message and call, and clears the fault. */
  reset(): void {
    this.state.reset();
    this.messages.clear();
    this.log.clear();
    this.active = undefined;
  }

  lastPasscode(user: string): string | undefined {
    return this.messages.last(user)?.passcode;
  }

  outbox(): Record<string, OutboxMessage> {
    return Object.fromEntries(this.messages.all());
  }

  /** The last 1,000 API calls answered (auth and challenges on known keys), oldest first. */
  calls(): AnakamCall[] {
    return this.log.list();
  }

  isLocked(user: string): boolean {
    return this.state.lockedUntil(user, this.options.now()) !== undefined;
  }

  /** A device registered directly, as a finished VERIFY_PASSCODE with registerDevice would leave it. */
  registerDevice(user: string, hours = this.options.defaultRegistrationHours): { deviceKey: string; deviceExpires: string } {
    const expiresAt = this.options.now() + hours * 3_600_000;
    return { deviceKey: this.state.registerDevice(user, expiresAt), deviceExpires: new Date(expiresAt).toISOString() };
  }
}
