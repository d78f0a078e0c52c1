import { checkCode, openDeviceSecret, type OtpDeps } from '../../otp/check_code.js';
import { confirmDevice, enrolDevice } from '../../otp/enrol_device.js';
import type { ChallengeAnswer, EnrolChallenge, FactorOutcome, LoginContext, PasscodeChallenge, ProviderState, SecondFactorProvider } from '../provider.js';

const CHALLENGE: PasscodeChallenge = {
  kind: 'passcode',
  // Said to everyone: whether this user has an app is not told before the password is known to be right.
  prompt: 'Enter the code from your authenticator app. No app set up yet? Add one at /manageotp first.',
  canRememberDevice: false,
  fromApp: true,
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

  /** Whether the user has an active device. Devices are kept under the user's key, as everywhere (src/identity/user_names.ts). */
  async hasDevice(username: string): Promise<boolean> {
    return (await this.deps.store.list(username)).some((d) => d.active);
  }

  /**
   * Asks for a code. A user without an app is told so only once the password is known to be right;
   * before that they are asked like everyone else (and no code of theirs can be right), so a name
   * and a wrong password do not tell who has an app.
   */
  async start(ctx: LoginContext): Promise<FactorOutcome> {
    if (!(await this.hasDevice(ctx.username))) {
      this.deps.logger.warn({ event: 'otp_no_device', user: ctx.username, clientIp: ctx.clientIp }, 'user has no one-time-code device registered');
      if (ctx.passwordChecked) return { outcome: 'fail', state: {}, reason: 'no_otp_device', canRetry: false };
    }
    return { outcome: 'challenge', state: {}, challenge: CHALLENGE };
  }

  /**
   * A first device for a user who has none, registered inside the login: an inactive device whose
   * first code both activates it and answers the challenge. The caller has verified the password.
   */
  async enrol(ctx: LoginContext): Promise<FactorOutcome> {
    const enrolled = await enrolDevice(this.deps, ctx.username, ENROLLED_AT_LOGIN, this.options.maxDevices);
    if (enrolled.outcome === 'fail') return { outcome: 'fail', state: {}, reason: 'no_otp_device', canRetry: false };
    this.deps.logger.info({ event: 'otp_enrol_at_login', user: ctx.username, clientIp: ctx.clientIp, deviceId: enrolled.device.id }, 'first TOTP device offered during the login');
    return { outcome: 'challenge', state: { enrolling: enrolled.device.id }, challenge: ENROL };
  }

  /** The otpauth:// URI of the device being enrolled (it holds the secret: for the user's page only). */
  async setupUri(username: string, state: ProviderState): Promise<string | undefined> {
    if (typeof state.enrolling !== 'string') return undefined;
    const device = await this.deps.store.get(username, state.enrolling);
    const secret = device && !device.active ? openDeviceSecret(this.deps, device) : undefined;
    return secret === undefined ? undefined : this.deps.totp.uri(secret, username);
  }

  async answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
    if (typeof state.enrolling === 'string') {
      const confirmed = await confirmDevice(this.deps, ctx.username, state.enrolling, answer.passcode);
      if (confirmed.outcome === 'success') return { outcome: 'success', state: {} };
      if (confirmed.reason === 'no_device') return { outcome: 'fail', state, reason: 'no_otp_device', canRetry: false };
      return { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true };
    }
    const result = await checkCode(this.deps, ctx.username, answer.passcode, { clientIp: ctx.clientIp });
    if (result.outcome === 'success') return { outcome: 'success', state };
    if (result.reason === 'no_device' && ctx.passwordChecked) return { outcome: 'fail', state, reason: 'no_otp_device', canRetry: false };
    return { outcome: 'fail', state, reason: 'passcode_invalid', canRetry: true, ...(result.reason === 'reused' ? { reused: true } : {}) };
  }

  /** Nothing to send again: the app makes a new code every period. */
  async resend(_ctx: LoginContext, state: ProviderState): Promise<FactorOutcome> {
    return { outcome: 'challenge', state, challenge: typeof state.enrolling === 'string' ? ENROL : CHALLENGE };
  }

  close(): void {
    void this.deps.store.close();
  }
}
