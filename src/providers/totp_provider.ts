import { checkCode, type OtpDeps } from '../otp/check_code.js';
import { deviceOwner } from '../manage/device_owner.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext, PasscodeChallenge, ProviderState, SecondFactorProvider } from './provider.js';

const CHALLENGE: PasscodeChallenge = {
  kind: 'passcode',
  prompt: 'Enter the code from your authenticator app.',
  canRememberDevice: false,
};

/**
 * factorgate's own one-time codes (RFC 6238) from the devices users registered at /manageotp:
 * no server to call, nothing to send. A reused code is refused like a wrong one (and logged by
 * checkCode); a user without an active device cannot pass.
 */
export class TotpProvider implements SecondFactorProvider {
  readonly name = 'totp';

  constructor(private readonly deps: OtpDeps) {}

  async start(ctx: LoginContext): Promise<FactorOutcome> {
    // Devices are kept under one spelling of the user name, the one /manageotp registers them under.
    const devices = (await this.deps.store.list(deviceOwner(ctx.username))).filter((d) => d.active);
    if (devices.length === 0) {
      this.deps.logger.warn({ event: 'otp_no_device', user: ctx.username, clientIp: ctx.clientIp }, 'user has no one-time-code device registered');
      return { outcome: 'fail', state: {}, reason: 'no_otp_device', canRetry: false };
    }
    return { outcome: 'challenge', state: {}, challenge: CHALLENGE };
  }

  async answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
    const result = await checkCode(this.deps, deviceOwner(ctx.username), answer.passcode, { clientIp: ctx.clientIp });
    if (result.outcome === 'success') return { outcome: 'success', state };
    if (result.reason === 'no_device') return { outcome: 'fail', state, reason: 'no_otp_device', canRetry: false };
    return { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true };
  }

  /** Nothing to send again: the app makes a new code every period. */
  async resend(_ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    return { outcome: 'challenge', state, challenge: CHALLENGE };
  }

  close(): void {
    void this.deps.store.close();
  }
}
