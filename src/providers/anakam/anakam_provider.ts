import type { Logger } from '../../log.js';
import type { ChallengeAnswer, DeliveryMethod, FactorOutcome, LoginContext, ProviderState, SecondFactorProvider } from '../provider.js';
import type { AnakamClient, ChallengeReply } from './client.js';
import { FactorgateError } from '../../errors.js';

export type AnakamProviderOptions = {
  client: AnakamClient;
  method: 'EMAIL' | 'SMS';
  /** When the user has no destination for `method`, send by the other one before giving up. */
  otherMethod: boolean;
  registrationHours: number;
  /** How long the server keeps a passcode it sent (anakam.passcodeValiditySeconds), told to the user. */
  passcodeValiditySeconds?: number;
  logger: Logger;
  now: () => number;
};

/**
 * The Anakam-style sequence (docs/design.md, The Anakam API):
 *   registered device:   auth -> VERIFY_DEVICE -> COMPLETE
 *   passcode:            auth -> SELECT_METHOD -> GET_PARAMS -> (user) -> VERIFY_PASSCODE -> COMPLETE
 * A refused device key falls back to the passcode path on the same auth key.
 */
export class AnakamProvider implements SecondFactorProvider {
  readonly name = 'anakam';

  constructor(private readonly options: AnakamProviderOptions) {}

  /**
   * A device credential, when given, is tried first (and a refused one falls back to a passcode);
   * `prior` carries the auth key of an earlier step of the same login (checkDevice), so the server
   * sees one login, as in the sequence above.
   */
  async start(ctx: LoginContext, deviceCredential?: string, prior?: ProviderState): Promise<FactorOutcome> {
    if (deviceCredential) {
      const checked = await this.checkDevice(ctx, deviceCredential);
      if (checked.outcome !== 'fail') return checked;
      const outcome = await this.sendPasscode(ctx, checked.state);
      return outcome.outcome === 'challenge' ? { ...outcome, deviceRefused: true } : outcome;
    }
    const authKey = typeof prior?.authKey === 'string' ? prior.authKey : await this.options.client.acquireAuthKey(ctx.username, ctx.deadline);
    return this.sendPasscode(ctx, { authKey });
  }

  /**
   * The remembered device alone (the flow action ANAKAM_DEVICE): `success` once the server
   * verified it and completed, `fail` (device_refused) when it does not know it or it expired.
   * A server that verifies the device and then will not complete is not trusted: thrown.
   */
  async checkDevice(ctx: LoginContext, deviceCredential: string): Promise<FactorOutcome> {
    const { client } = this.options;
    const state: ProviderState = { authKey: await client.acquireAuthKey(ctx.username, ctx.deadline) };
    const reply = await client.challenge(this.authKeyOf(state), 'verifyDevice', { clientIp: ctx.clientIp, deviceKey: deviceCredential }, ctx.deadline);
    if (reply.status === 'authenticated') {
      const completed = await this.complete(ctx, state);
      if (completed.outcome === 'fail') throw new FactorgateError('second_factor_refused', 'device verified but the server would not complete', { command: 'complete' });
      return completed;
    }
    this.expect(reply, ['deviceUnknown', 'deviceExpired'], 'verifyDevice');
    this.options.logger.info({ event: 'device_refused', user: ctx.username, status: reply.status }, 'remembered device refused; asking for a passcode');
    return { outcome: 'fail', state, reason: 'device_refused', canRetry: false };
  }

  async answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
    const { client, registrationHours } = this.options;
    const reply = await client.challenge(this.authKeyOf(state), 'verifyPasscode', {
      clientIp: ctx.clientIp,
      passcode: answer.passcode,
      registerDevice: answer.rememberDevice,
      registrationHours,
    }, ctx.deadline);
    switch (reply.status) {
      case 'authenticated':
        return this.complete(ctx, state, answer.rememberDevice ? this.deviceFrom(reply) : undefined);
      case 'passcodeInvalid': {
        const left = Number(client.value(reply, 'attemptsRemaining'));
        const attemptsRemaining = Number.isInteger(left) && left >= 0 && left < 1000 ? left : undefined;
        return { outcome: 'fail', state, reason: 'passcode_invalid', attemptsRemaining, canRetry: attemptsRemaining !== 0 };
      }
      case 'passcodeExpired':
        return { outcome: 'fail', state, reason: 'passcode_expired', canRetry: true };
      case 'locked':
        return { outcome: 'fail', state, reason: 'locked', canRetry: false };
      default:
        throw this.unexpected(reply, 'verifyPasscode');
    }
  }

  /**
   * A new passcode, by the same method or, when the user picked another (`via`), by that one if
   * the server has a destination for it; without one the old passcode stands and the user is told
   * (method_unavailable, canRetry).
   */
  async resend(ctx: LoginContext, state: ProviderState, via?: DeliveryMethod): Promise<FactorOutcome> {
    const { client } = this.options;
    const authKey = this.authKeyOf(state);
    if (via !== undefined && via !== state.method) {
      if (!this.options.otherMethod) throw new FactorgateError('wrong_state', 'another delivery method asked for where none is offered');
      const selected = await client.challenge(authKey, 'selectMethod', { clientIp: ctx.clientIp, method: via }, ctx.deadline);
      if (selected.status === 'methodUnavailable') {
        // Back to the method that reached the user, so the passcode sent there still counts.
        if (typeof state.method === 'string') await client.challenge(authKey, 'selectMethod', { clientIp: ctx.clientIp, method: state.method }, ctx.deadline);
        return { outcome: 'fail', state, reason: 'method_unavailable', canRetry: true };
      }
      this.expect(selected, ['methodSelected'], 'selectMethod');
      state = { ...state, method: via };
    }
    const reply = await client.challenge(authKey, 'getParams', { clientIp: ctx.clientIp }, ctx.deadline);
    return this.passcodeSent(reply, state);
  }

  close(): void {
    this.options.client.close();
  }

  /**
   * The configured method first; a user the server has no destination for by it (only a phone,
   * say, where e-mail is configured) is sent the passcode by the other, when otherMethod allows.
   * Only the server's own destinations are ever used: nothing the user typed picks one.
   */
  private async sendPasscode(ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    const { client, method, otherMethod } = this.options;
    const authKey = this.authKeyOf(state);
    const methods = otherMethod ? [method, method === 'EMAIL' ? 'SMS' : 'EMAIL'] as const : [method];
    for (const [i, each] of methods.entries()) {
      const selected = await client.challenge(authKey, 'selectMethod', { clientIp: ctx.clientIp, method: each }, ctx.deadline);
      if (selected.status === 'methodUnavailable') continue;
      this.expect(selected, ['methodSelected'], 'selectMethod');
      if (i > 0) this.options.logger.info({ event: 'anakam_other_method', user: ctx.username, method: each, configured: method }, 'no destination for the configured method; the passcode goes by the other');
      const sent = await client.challenge(authKey, 'getParams', { clientIp: ctx.clientIp }, ctx.deadline);
      return this.passcodeSent(sent, { ...state, method: each });
    }
    return { outcome: 'fail', state, reason: 'method_unavailable', canRetry: false };
  }

  private passcodeSent(reply: ChallengeReply, state: ProviderState): FactorOutcome {
    if (reply.status === 'deliveryFailed') return { outcome: 'fail', state, reason: 'delivery_failed', canRetry: true };
    // A locked user is told so, not that the passcode could not be sent.
    if (reply.status === 'locked') return { outcome: 'fail', state, reason: 'locked', canRetry: false };
    this.expect(reply, ['passcodeSent'], 'getParams');
    const destination = this.options.client.value(reply, 'destination')?.slice(0, 128);
    const { registrationHours, passcodeValiditySeconds, otherMethod } = this.options;
    const method: DeliveryMethod | undefined = state.method === 'SMS' || state.method === 'EMAIL' ? state.method : undefined;
    const other: DeliveryMethod = method === 'EMAIL' ? 'SMS' : 'EMAIL';
    // The other way is offered only when otherMethod allows it and the server's reply names a
    // destination for it: a user with no phone is never offered a text message. A server that
    // names none offers nothing (fail closed).
    const otherMethods = otherMethod && this.hasDestination(reply, other) ? [other] : [];
    const ways = method ? { method, otherMethods } : {};
    const challenge = { kind: 'passcode' as const, destination, canRememberDevice: true, rememberHours: registrationHours, ...ways };
    return { outcome: 'challenge', state, challenge: passcodeValiditySeconds === undefined ? challenge : { ...challenge, validSeconds: passcodeValiditySeconds } };
  }

  private hasDestination(reply: ChallengeReply, method: DeliveryMethod): boolean {
    const held = this.options.client.value(reply, method === 'EMAIL' ? 'email' : 'phone');
    return held !== undefined && held.trim() !== '';
  }

  private async complete(ctx: LoginContext, state: ProviderState, device?: { credential: string; expiresAt: number }): Promise<FactorOutcome> {
    const reply = await this.options.client.challenge(this.authKeyOf(state), 'complete', { clientIp: ctx.clientIp }, ctx.deadline);
    if (reply.status === 'notAuthenticated') return { outcome: 'fail', state, reason: 'second_factor_refused', canRetry: false };
    this.expect(reply, ['complete'], 'complete');
    return { outcome: 'success', state, rememberDevice: device };
  }

  /** The device credential the server issued, bounded by our own registration hours. */
  private deviceFrom(reply: ChallengeReply): { credential: string; expiresAt: number } | undefined {
    const { client, registrationHours, now, logger } = this.options;
    const credential = client.value(reply, 'deviceKey');
    if (!credential || !/^[A-Za-z0-9._~+/=-]{8,256}$/.test(credential)) {
      logger.warn({ event: 'device_key_missing' }, 'server authenticated but gave no usable device key; device not remembered');
      return undefined;
    }
    const ceiling = now() + registrationHours * 3_600_000;
    const stated = Date.parse(client.value(reply, 'deviceExpires') ?? '');
    const expiresAt = Number.isFinite(stated) ? Math.min(stated, ceiling) : ceiling;
    return expiresAt > now() ? { credential, expiresAt } : undefined;
  }

  private authKeyOf(state: ProviderState): string {
    const authKey = state.authKey;
    if (typeof authKey !== 'string') throw new FactorgateError('wrong_state', 'login has no auth key');
    return authKey;
  }

  private expect(reply: ChallengeReply, allowed: string[], command: string): void {
    if (!allowed.includes(reply.status)) throw this.unexpected(reply, command);
  }

  private unexpected(reply: ChallengeReply, command: string): FactorgateError {
    return new FactorgateError('tfa_protocol', 'status not expected after this command', { command, status: reply.status });
  }
}
