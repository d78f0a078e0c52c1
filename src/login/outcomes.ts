import { FactorgateError, asFactorgateError, type ErrorCode } from '../errors.js';
import type { GatewayReplayer } from '../gateway/replay.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../ops/metrics.js';
import type { Challenge, FailReason, ProviderState, RememberedDevice } from '../providers/provider.js';
import { stepLabel, type CompiledFlow, type LoginField } from '../flows/index.js';
import { sealDeviceCredential } from '../security/device_credential.js';
import type { Keyring } from '../security/keyring.js';
import type { LoginRecord, LoginRecords } from './login_record.js';
import { assertTransition } from './states.js';
import { replayToGateway } from './steps/replay_to_gateway.js';

export type NoticeCode = 'passcode_invalid' | 'passcode_expired' | 'device_refused' | 'passcode_resent' | 'push_expired' | 'push_resent';
export type Notice = { code: NoticeCode; attemptsRemaining?: number };

/** What a step of the login hands to the web layer, which renders it as JSON or as a page. */
export type LoginView =
  /** another: a later policy of this factor applies, so the user may give this one up and try it. */
  | { kind: 'challenge'; loginId: string; csrf: string; challenge: Challenge; notice?: Notice; forgetDevice: boolean; another?: boolean;
      /** For an enrol challenge: the new device's otpauth:// URI, to show as a QR code (it holds the secret). */
      setupUri?: string }
  /** A factor's form (its login schema): the fields to show. */
  | { kind: 'ask'; loginId: string; csrf: string; factor: string; fields: readonly LoginField[]; notice?: Notice; forgetDevice: boolean }
  | { kind: 'done'; location: string; gatewayCookies: string[]; device?: { value: string; expiresAt: number }; forgetDevice: boolean }
  /** keepHandle: the request was refused but the login goes on (a forged post must not end it). */
  | { kind: 'failed'; error: FactorgateError; forgetDevice: boolean; keepHandle?: boolean };

const failReasonCode: Record<FailReason, ErrorCode> = {
  locked: 'locked',
  method_unavailable: 'method_unavailable',
  delivery_failed: 'delivery_failed',
  second_factor_refused: 'second_factor_refused',
  passcode_invalid: 'attempts_exhausted',
  passcode_expired: 'passcode_expired',
  push_denied: 'push_denied',
  push_expired: 'push_expired',
  no_push_device: 'no_push_device',
  push_refused: 'push_refused',
  no_otp_device: 'no_otp_device',
  device_refused: 'second_factor_refused',
};

export type OutcomeDeps = {
  records: LoginRecords; keyring: Keyring; replayer: GatewayReplayer; logger: Logger; metrics: Metrics; now: () => number; flow: CompiledFlow;
  /** The otpauth:// URI of a device being enrolled in this login, read from the device store when shown. */
  setupUri?: (record: LoginRecord) => Promise<string | undefined>;
};

/** How a login moves on from a provider's outcome, and how it ends: replayed, or failed and wiped. */
export class LoginOutcomes {
  constructor(private readonly deps: OutcomeDeps) {}

  /** The login waits for the user: the record is saved with its open step, and the view says what to show. */
  async waiting<V extends Extract<LoginView, { kind: 'challenge' | 'ask' }>>(record: LoginRecord, view: V): Promise<V> {
    await this.deps.records.save(record, 'awaiting_answer');
    this.deps.metrics.loginWaiting(record.id, record.deadline);
    return this.withSetup(record, view);
  }

  /** An enrol challenge is shown with its device's setup URI; without one it cannot be answered, so it fails closed. */
  async withSetup<V extends LoginView>(record: LoginRecord, view: V): Promise<V> {
    if (view.kind !== 'challenge' || view.challenge.kind !== 'enrol') return view;
    const setupUri = await this.deps.setupUri?.(record);
    if (!setupUri) throw new FactorgateError('internal', 'the device being enrolled is gone');
    return { ...view, setupUri };
  }

  /** The same challenge again, with a notice (a wrong or expired answer that leaves the login open). */
  async again(record: LoginRecord, state: ProviderState, notice: Notice, another?: boolean): Promise<LoginView> {
    record.providerState = state;
    return this.waiting(record, { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: record.challenge!, notice, forgetDevice: false, another });
  }

  /** The error for a factor none of whose policies won: why the last action failed, if one did. */
  noWinner(record: LoginRecord): FactorgateError {
    const reason = record.lastFailure;
    if (reason === 'first_factor') return new FactorgateError('gateway_refused', 'the password was refused');
    if (reason) return new FactorgateError(failReasonCode[reason], `second factor failed: ${reason}`);
    return new FactorgateError('no_method', `no policy of factor ${record.flow?.factor ?? '?'} applies to this login`);
  }

  async fail(record: LoginRecord, error: FactorgateError, forgetDevice: boolean): Promise<LoginView> {
    // If the store itself is what failed, the record cannot be deleted now; its TTL ends it.
    await this.deps.records.remove(record.id).catch(() => undefined);
    if (error.code === 'rate_limited') this.deps.metrics.rateLimitRefusals.inc({ limit: String(error.extra.limit ?? 'unknown') });
    const level = error.status >= 500 ? 'error' : 'warn';
    this.deps.logger[level]({ event: 'login_failed', code: error.code, detail: error.detail, ...error.extra, user: record.username, clientIp: record.clientIp, provider: record.provider, state: record.state }, error.detail);
    this.audit(record, error.code);
    return { kind: 'failed', error, forgetDevice };
  }

  audit(record: LoginRecord, outcome: string): void {
    if (record.provider === 'none') this.deps.metrics.loginsStarted.inc({ provider: 'none' });
    this.deps.metrics.loginsFinished.inc({ provider: record.provider, outcome, path: record.path });
    this.deps.metrics.loginEnded(record.id);
    this.deps.logger.info({
      event: 'login_finished', user: record.username, clientIp: record.clientIp, provider: record.provider,
      path: record.path, flow: record.flowPath ?? this.partialPath(record), outcome, ms: this.deps.now() - record.createdAt,
    }, 'login finished');
  }

  /** The way a login went until it stopped: `password:LDAP_BIND → second ✗`. */
  private partialPath(record: LoginRecord): string | undefined {
    const state = record.flow;
    if (!state) return undefined;
    return [...state.path.map((step) => stepLabel(this.deps.flow, step.factor, step.index)), `${state.factor} ✗`].join(' → ');
  }

  /** The second factor held: the credentials go to the gateway, and the login ends either way. */
  async replay(record: LoginRecord, device: RememberedDevice | undefined, forgetDevice: boolean): Promise<LoginView> {
    const { records, keyring, replayer } = this.deps;
    // Not persisted: the replay follows in the same request, and the record is wiped after it.
    assertTransition(record.state, 'second_factor_passed');
    record.state = 'second_factor_passed';
    try {
      const result = await replayToGateway(record, keyring, replayer);
      await records.remove(record.id);
      this.audit(record, 'success');
      const sealed = device ? { value: sealDeviceCredential(keyring, record.username, device.credential, device.expiresAt), expiresAt: device.expiresAt } : undefined;
      return { kind: 'done', location: result.location, gatewayCookies: result.cookies, device: sealed, forgetDevice: forgetDevice && !sealed };
    } catch (err) {
      return this.fail(record, asFactorgateError(err), forgetDevice);
    }
  }
}
