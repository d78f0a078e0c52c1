import { FactorgateError, asFactorgateError, type ErrorCode } from '../errors.js';
import { stepLabel } from '../flows/index.js';
import type { FailReason, RememberedDevice } from '../providers/provider.js';
import { sealDeviceCredential } from '../security/device_credential.js';
import type { LoginDeps } from './deps.js';
import { openChallenge, type LoginRecord } from './record.js';
import { openPassword } from './sealed_credentials.js';
import type { LoginView, Notice, WaitingView } from './views.js';
import type { Way } from './ways.js';
import { withdrawOpenPush } from './withdraw_push.js';

// How a login waits for its user, and how it ends: replayed to the gateway, or failed and wiped.
// Every ending writes one audit line (login_finished) and the metrics.

const failReasonCode: Record<FailReason, ErrorCode> = {
  locked: 'locked',
  method_unavailable: 'method_unavailable',
  delivery_failed: 'delivery_failed',
  second_factor_refused: 'second_factor_refused',
  passcode_invalid: 'attempts_exhausted',
  passcode_expired: 'passcode_expired',
  push_denied: 'push_denied',
  push_wrong_number: 'push_wrong_number',
  push_expired: 'push_expired',
  no_push_device: 'no_push_device',
  push_refused: 'push_refused',
  no_otp_device: 'no_otp_device',
  device_refused: 'second_factor_refused',
  no_passkey: 'no_passkey',
  passkey_refused: 'passkey_refused',
};

export class LoginOutcomes {
  constructor(private readonly deps: LoginDeps) {}

  /** The login waits for the user: the record is saved with its open step, and the view says what to show. */
  async waiting<V extends WaitingView>(record: LoginRecord, view: V): Promise<V> {
    record.open = view.kind === 'ask' ? { kind: 'form', factor: view.factor } : { kind: 'challenge', challenge: view.challenge, ...(view.another ? { ways: view.another.map((way) => way.policy) } : {}) };
    await this.deps.records.save(record, 'awaiting_answer');
    this.deps.metrics.loginWaiting(record.id, record.deadline);
    return this.withSetup(record, view);
  }

  /** The open challenge again, with a notice (a wrong or expired answer that leaves the login open). */
  again(record: LoginRecord, notice: Notice, another: Way[] | undefined): Promise<LoginView> {
    const challenge = openChallenge(record);
    if (!challenge) throw new FactorgateError('wrong_state', 'no challenge to ask again');
    return this.waiting(record, { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge, notice, forgetDevice: false, another });
  }

  /** An enrol challenge is shown with its device's setup URI; without one it cannot be answered, so it fails closed. */
  async withSetup<V extends LoginView>(record: LoginRecord, view: V): Promise<V> {
    if (view.kind === 'challenge') view.deadline = record.deadline;
    if (view.kind !== 'challenge' || view.challenge.kind !== 'enrol') return view;
    const setupUri = await this.deps.providers.totp().setupUri(record.username, record.providerState);
    if (!setupUri) throw new FactorgateError('internal', 'the device being enrolled is gone');
    return { ...view, setupUri };
  }

  /** The error for a factor none of whose policies won: why the last action failed, if one did. */
  noWinner(record: LoginRecord): FactorgateError {
    const reason = record.lastFailure;
    if (reason === 'first_factor') return new FactorgateError('gateway_refused', 'the password was refused');
    if (reason) return new FactorgateError(failReasonCode[reason], `second factor failed: ${reason}`);
    return new FactorgateError('no_method', `no policy of factor ${record.flow?.factor ?? '?'} applies to this login`);
  }

  async fail(record: LoginRecord, error: FactorgateError, forgetDevice: boolean): Promise<LoginView> {
    // However it ends (a refused post, wrong_state, an error), a push it waited for is void at the push server too.
    await withdrawOpenPush(this.deps, record);
    // If the store itself is what failed, the record cannot be deleted now; its TTL ends it.
    await this.deps.records.remove(record.id, error.code).catch(() => undefined);
    if (error.code === 'rate_limited') this.deps.metrics.rateLimitRefusals.inc({ limit: typeof error.extra.limit === 'string' ? error.extra.limit : 'unknown' });
    const level = error.status >= 500 ? 'error' : 'warn';
    this.deps.logger[level]({ event: 'login_failed', code: error.code, detail: error.detail, ...error.extra, user: record.username, clientIp: record.clientIp, provider: record.provider, state: record.state }, error.detail);
    this.audit(record, error.code);
    return { kind: 'failed', error, forgetDevice };
  }

  /** The login's one audit line, and its metrics. */
  audit(record: LoginRecord, outcome: string): void {
    const { metrics, logger, now } = this.deps;
    if (record.provider === 'none') metrics.loginsStarted.inc({ provider: 'none' });
    metrics.loginsFinished.inc({ provider: record.provider, outcome, path: record.path });
    metrics.loginEnded(record.id);
    logger.info({
      event: 'login_finished', user: record.username, clientIp: record.clientIp, provider: record.provider,
      path: record.path, flow: record.flowPath ?? this.partialPath(record), outcome, passwordChecked: record.passwordChecked === true, ms: now() - record.createdAt,
    }, 'login finished');
  }

  /**
   * The second factor held: the gateway session goes to the browser (the one held since the
   * password was checked, or one the replay opens now), and the login ends either way.
   */
  async replay(record: LoginRecord, device: RememberedDevice | undefined, forgetDevice: boolean): Promise<LoginView> {
    const { records } = this.deps;
    records.passed(record);
    try {
      const result = record.sessionHeld ? await this.heldSession(record) : await this.replayPassword(record);
      await records.remove(record.id, 'passed');
      this.audit(record, 'success');
      const sealed = device ? await this.remember(record, device) : undefined;
      return { kind: 'done', location: result.location, gatewayCookies: result.cookies, device: sealed, forgetDevice: forgetDevice && !sealed };
    } catch (err) {
      return this.fail(record, asFactorgateError(err), forgetDevice);
    }
  }

  /**
   * The browser the user asked to remember, listed so it can be revoked, and its cookie. Should
   * the store fail here the sign-in still stands (the gateway has let the user in); the browser
   * is just not remembered.
   */
  private async remember(record: LoginRecord, device: RememberedDevice): Promise<{ value: string; expiresAt: number } | undefined> {
    const { browsers, keyring, logger } = this.deps;
    try {
      const id = await browsers.issue(record.username, { ip: record.clientIp, userAgent: record.userAgent }, device.expiresAt);
      return { value: sealDeviceCredential(keyring, record.username, device.credential, device.expiresAt, id), expiresAt: device.expiresAt };
    } catch (err) {
      logger.warn({ event: 'remembered_browser_not_recorded', user: record.username, clientIp: record.clientIp, reason: asFactorgateError(err).code }, 'the browser could not be listed, so it is not remembered');
      return undefined;
    }
  }

  /** Posts the sealed password to the gateway; the plaintext lives only for this call. */
  private replayPassword(record: LoginRecord) {
    const client = { ip: record.clientIp, userAgent: record.userAgent };
    return this.deps.replayer.replay(record.gatewayName, openPassword(record, this.deps.keyring), client, record.deadline);
  }

  /**
   * The session held for this login, if the gateway still accepts it; one it has let go (its idle
   * timeout passed while the user answered) is logged out and replaced by one new login with the
   * sealed password, once.
   */
  private async heldSession(record: LoginRecord) {
    const { heldSessions, replayer, logger } = this.deps;
    const held = await heldSessions.claim(record.id);
    if (!held) throw new FactorgateError('no_login', 'the gateway session held for this login was ended (its deadline passed)');
    if (await replayer.accepts(held.session, held.client, record.deadline)) return held.session;
    logger.info({ event: 'gateway_session_renewed', user: record.username, clientIp: record.clientIp }, 'the gateway no longer accepted the held session: logging in again once');
    await heldSessions.logout(held, 'not_accepted');
    return this.replayPassword(record);
  }

  /** The way a login went until it stopped: `password:LDAP_BIND → second ✗`. */
  private partialPath(record: LoginRecord): string | undefined {
    const state = record.flow;
    if (!state) return undefined;
    return [...state.path.map((step) => stepLabel(this.deps.flow, step.factor, step.index)), `${state.factor} ✗`].join(' → ');
  }
}
