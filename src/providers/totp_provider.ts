import { checkCode, openDeviceSecret, type OtpDeps } from '../otp/check_code.js';
import { confirmDevice, enrolDevice } from '../otp/enrol_device.js';
import { deviceOwner } from '../manage/device_owner.js';
import type { ChallengeAnswer, EnrolChallenge, FactorOutcome, LoginContext, PasscodeChallenge, ProviderState, SecondFactorProvider } from './provider.js';

const CHALLENGE: PasscodeChallenge = {
  kind: 'passcode',
  prompt: 'Enter the code from your authenticator app.',
  canRememberDevice: false,
};

const ENROL: EnrolChallenge = { kind: 'enrol' };

/** Name of a device registered during a login; the user may rename it at /manageotp. */
export const ENROLLED_AT_LOGIN = 'Added at sign-in';

/**
 * factorgate's own one-time codes (RFC 6238) from the devices users registered at /manageotp:
 * no server to call, nothing to send. A reused code is refused like a wrong one (and logged by
 * checkCode); a user without an active device cannot pass, unless the login enrols one (enrol).
 */
export class TotpProvider implements SecondFactorProvider {
  readonly name = 'totp';

  constructor(private readonly deps: OtpDeps, private readonly options: { maxDevices: number } = { maxDevices: 5 }) {}

  /** Whether the user has an active device. Devices are kept under one spelling of the user name, the one /manageotp registers them under. */
  async hasDevice(username: string): Promise<boolean> {
    return (await this.deps.store.list(deviceOwner(username))).some((d) => d.active);
  }

  async start(ctx: LoginContext): Promise<FactorOutcome> {
    if (!(await this.hasDevice(ctx.username))) {
      this.deps.logger.warn({ event: 'otp_no_device', user: ctx.username, clientIp: ctx.clientIp }, 'user has no one-time-code device registered');
      return { outcome: 'fail', state: {}, reason: 'no_otp_device', canRetry: false };
    }
    return { outcome: 'challenge', state: {}, challenge: CHALLENGE };
  }

  /**
   * A first device for a user who has none, registered inside the login: an inactive device whose
   * first code both activates it and answers the challenge. The caller has verified the password.
   */
  async enrol(ctx: LoginContext): Promise<FactorOutcome> {
    const owner = deviceOwner(ctx.username);
    const enrolled = await enrolDevice(this.deps, owner, ENROLLED_AT_LOGIN, this.options.maxDevices);
    if (enrolled.outcome === 'fail') return { outcome: 'fail', state: {}, reason: 'no_otp_device', canRetry: false };
    this.deps.logger.info({ event: 'otp_enrol_at_login', user: ctx.username, clientIp: ctx.clientIp, deviceId: enrolled.device.id }, 'first TOTP device offered during the login');
    return { outcome: 'challenge', state: { enrolling: enrolled.device.id }, challenge: ENROL };
  }

  /** The otpauth:// URI of the device being enrolled (it holds the secret: for the user's page only). */
  async setupUri(username: string, state: ProviderState): Promise<string | undefined> {
    if (typeof state.enrolling !== 'string') return undefined;
    const owner = deviceOwner(username);
    const device = await this.deps.store.get(owner, state.enrolling);
    const secret = device && !device.active ? openDeviceSecret(this.deps, device) : undefined;
    return secret === undefined ? undefined : this.deps.totp.uri(secret, owner);
  }

  async answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
    if (typeof state.enrolling === 'string') {
      const confirmed = await confirmDevice(this.deps, deviceOwner(ctx.username), state.enrolling, answer.passcode);
      if (confirmed.outcome === 'success') return { outcome: 'success', state: {} };
      if (confirmed.reason === 'no_device') return { outcome: 'fail', state, reason: 'no_otp_device', canRetry: false };
      return { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true };
    }
    const result = await checkCode(this.deps, deviceOwner(ctx.username), answer.passcode, { clientIp: ctx.clientIp });
    if (result.outcome === 'success') return { outcome: 'success', state };
    if (result.reason === 'no_device') return { outcome: 'fail', state, reason: 'no_otp_device', canRetry: false };
    return { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true };
  }

  /** Nothing to send again: the app makes a new code every period. */
  async resend(_ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    return { outcome: 'challenge', state, challenge: typeof state.enrolling === 'string' ? ENROL : CHALLENGE };
  }

  close(): void {
    void this.deps.store.close();
  }
}
