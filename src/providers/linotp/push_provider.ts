import { randomInt } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext, ProviderState, PushChallenge, SecondFactorProvider } from '../provider.js';
import type { LinotpClient } from './client.js';
import { FactorgateError } from '../../errors.js';

export type PushProviderOptions = {
  name: 'push' | 'push_with_code';
  client: LinotpClient;
  otppin: 0 | 1 | 2;
  /** How long a push can be answered, at the push server and on the page alike (one clock); at most 10 minutes. */
  validitySeconds: number;
  /** Whether the push server offers the withdrawal (POST /validate/cancel_transaction). */
  withdrawPushes: boolean;
  /** Whether a one-time code typed by hand is accepted instead ("Enter the code manually" on the waiting page). */
  allowCode: boolean;
  /** Shown on the phone: where the login is for. */
  gatewayName: string;
  logger: Logger;
  now: () => number;
};

const MAX_CHALLENGE_SECONDS = 600;

/**
 * Push approval through a LinOTP-style validate API (docs/design.md): a challenge that
 * describes this very login, number matching, status polled until approved, denied or expired,
 * a resend that voids the old challenge (withdrawn at the server where it can be), and an optional
 * typed code checked by the same server.
 */
export class PushProvider implements SecondFactorProvider {
  readonly name: string;
  readonly startChecksSecret: boolean;

  constructor(private readonly options: PushProviderOptions) {
    this.name = options.name;
    this.startChecksSecret = options.otppin !== 2;
  }

  start(ctx: LoginContext): Promise<FactorOutcome> {
    return this.send(ctx);
  }

  /** A new challenge: the old transaction is withdrawn, and the state that named it replaced, so it is void either way. */
  async resend(ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    await this.withdraw(ctx, state);
    return this.send(ctx);
  }

  async withdraw(ctx: LoginContext, state: ProviderState): Promise<void> {
    const { client, logger, withdrawPushes } = this.options;
    if (!withdrawPushes || typeof state.transactionId !== 'string') return;
    const who = { user: ctx.username, clientIp: ctx.clientIp };
    try {
      const withdrawn = await client.withdraw({ user: ctx.username, pass: this.pass(ctx), transactionId: state.transactionId }, ctx.deadline);
      logger.info({ event: 'push_withdrawn', ...who, withdrawn }, withdrawn ? 'push withdrawn at the push server' : 'push was no longer open at the push server');
    } catch (err) {
      const code = err instanceof FactorgateError ? err.code : 'error';
      logger.warn({ event: 'push_withdraw_failed', ...who, code }, 'push could not be withdrawn; factorgate refuses it all the same');
    }
  }

  async poll(ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    const { client, logger, now } = this.options;
    const status = await client.status({ user: ctx.username, pass: this.pass(ctx), transactionId: this.transactionOf(state) }, ctx.deadline);
    if (status === 'approved') {
      logger.info({ event: 'push_approved', user: ctx.username, clientIp: ctx.clientIp }, 'push approved on the device');
      return { outcome: 'success', state };
    }
    if (status === 'wrong_number') {
      logger.warn({ event: 'push_wrong_number', user: ctx.username, clientIp: ctx.clientIp }, 'a number other than the login page\'s was picked on the device');
      return { outcome: 'fail', state, reason: 'push_wrong_number', canRetry: true };
    }
    if (status === 'denied') {
      logger.warn({ event: 'push_denied', user: ctx.username, clientIp: ctx.clientIp }, 'push denied on the device');
      return { outcome: 'fail', state, reason: 'push_denied', canRetry: false };
    }
    if (now() >= Number(state.expiresAt)) return { outcome: 'fail', state, reason: 'push_expired', canRetry: true };
    return { outcome: 'challenge', state, challenge: this.challengeOf(state) };
  }

  async answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
    if (!this.options.allowCode) return { outcome: 'fail', state, reason: 'second_factor_refused', canRetry: false };
    const accepted = await this.options.client.checkCode(
      { user: ctx.username, pass: this.pass(ctx), code: answer.passcode, transactionId: this.transactionOf(state) }, ctx.deadline);
    return accepted ? { outcome: 'success', state } : { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true };
  }

  close(): void {
    this.options.client.close();
  }

  private async send(ctx: LoginContext): Promise<FactorOutcome> {
    const { client, logger, now, gatewayName } = this.options;
    const number = randomInt(10, 100);
    const data = `Sign in to ${gatewayName} as ${ctx.username} from ${ctx.clientIp} at ${new Date(now()).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    const started = await client.startPush({ user: ctx.username, pass: this.pass(ctx), data, number }, ctx.deadline);
    if (started.kind === 'refused') {
      // With a PIN or the password in `pass`, a refusal is "wrong secret or no device": the same
      // answer for both, and for an unknown user.
      logger.warn({ event: 'push_no_device', user: ctx.username, clientIp: ctx.clientIp }, 'no push device registered for the user (or the PIN was refused)');
      return { outcome: 'fail', state: {}, reason: this.startChecksSecret ? 'push_refused' : 'no_push_device', canRetry: false };
    }
    const seconds = Math.min(this.options.validitySeconds, MAX_CHALLENGE_SECONDS);
    const state: ProviderState = { transactionId: started.transactionId, number, expiresAt: now() + seconds * 1000 };
    logger.info({ event: 'push_sent', user: ctx.username, clientIp: ctx.clientIp }, 'push sent to the device');
    return { outcome: 'challenge', state, challenge: this.challengeOf(state) };
  }

  private challengeOf(state: ProviderState): PushChallenge {
    return { kind: 'push', number: Number(state.number), expiresAt: Number(state.expiresAt), canEnterCode: this.options.allowCode };
  }

  /** What `pass` carries to LinOTP, per its otppin policy: the token PIN, the password, or nothing. */
  private pass(ctx: LoginContext): string {
    if (this.options.otppin === 1) return ctx.password();
    if (this.options.otppin === 2) return '';
    const pin = ctx.tokenPin();
    if (pin === undefined) throw new FactorgateError('invalid_input', 'token PIN missing (linotp.otppin is 0)');
    return pin;
  }

  private transactionOf(state: ProviderState): string {
    if (typeof state.transactionId !== 'string') throw new FactorgateError('wrong_state', 'login has no push transaction');
    return state.transactionId;
  }
}
