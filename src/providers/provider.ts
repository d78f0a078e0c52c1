import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';

// A second-factor provider drives one kind of second factor (Anakam passcode, push, TOTP, ...).
// Each call ends in exactly one outcome, as a passport strategy does: `success` (the factor holds),
// `challenge` (ask the user), or `fail` (an expected refusal, such as a wrong passcode).
// Infrastructure trouble (server down, nonsense reply) is thrown as a FactorgateError.

export type LoginContext = {
  username: string;
  clientIp: string;
  /** The whole login's deadline (epoch ms): no callout may run past it. */
  deadline: number;
  /** The password is known to be right (LDAP_BIND, or a check before enrolling): until then no answer may depend on who the user is. */
  passwordChecked: boolean;
  /** The first-factor password, opened from its sealed copy only when a provider needs it (LinOTP otppin=1). */
  password(): string;
  /** The token PIN typed on the login page, opened from its sealed copy (LinOTP otppin=0). */
  tokenPin(): string | undefined;
};

/** Provider-private state kept server-side in the login record; never sent to the browser. */
export type ProviderState = Record<string, string | number | boolean | undefined>;

/** How a passcode is sent. */
export type DeliveryMethod = 'EMAIL' | 'SMS';

export type PasscodeChallenge = {
  kind: 'passcode';
  /** Where the passcode went, masked by the server (a***@example.com). */
  destination?: string;
  /** What to tell the user instead, when nothing was sent (an authenticator app's code). */
  prompt?: string;
  canRememberDevice: boolean;
  /** How long a remembered browser skips this step, in hours, when it can be remembered. */
  rememberHours?: number;
  /** A code from the user's authenticator app: nothing was sent, and nothing can be sent again. */
  fromApp?: boolean;
  /** How long a passcode that was sent stays valid, in seconds, when known. */
  validSeconds?: number;
  /** How the passcode was sent, and the other ways the user may ask for it instead. */
  method?: DeliveryMethod;
  otherMethods?: DeliveryMethod[];
};

/** A push to the user's device, approved there by picking `number` (number matching). */
export type PushChallenge = {
  kind: 'push';
  number: number;
  /** When factorgate stops waiting (epoch ms); then the user may resend or type a code. */
  expiresAt: number;
  /** Whether a one-time code typed by hand is accepted instead. */
  canEnterCode: boolean;
};

/**
 * A first authenticator app registered during the login (otp.withoutDevice: enrol): the page shows
 * the device's QR code, and its first code answers. The secret is never kept here: the view
 * reads it from the device store when it is shown.
 */
export type EnrolChallenge = { kind: 'enrol' };

/** A passkey or security key asked for (WebAuthn): the options for navigator.credentials.get, this user's credentials only. */
export type WebauthnChallenge = { kind: 'webauthn'; options: PublicKeyCredentialRequestOptionsJSON };

export type Challenge = PasscodeChallenge | PushChallenge | EnrolChallenge | WebauthnChallenge;

export type RememberedDevice = { credential: string; expiresAt: number };

export type FailReason =
  | 'passcode_invalid' | 'passcode_expired' | 'locked' | 'method_unavailable' | 'delivery_failed' | 'second_factor_refused'
  | 'push_denied' | 'push_wrong_number' | 'push_expired' | 'no_push_device' | 'push_refused' | 'no_otp_device' | 'device_refused'
  | 'no_passkey' | 'passkey_refused';

export type FactorOutcome =
  | { outcome: 'success'; state: ProviderState; rememberDevice?: RememberedDevice }
  | { outcome: 'challenge'; state: ProviderState; challenge: Challenge; deviceRefused?: boolean }
  | { outcome: 'fail'; state: ProviderState; reason: FailReason; attemptsRemaining?: number; canRetry: boolean;
      /** A wrong answer that was a right code used already (an app's code is good once): say so. */
      reused?: boolean };

export type ChallengeAnswer = { passcode: string; rememberDevice: boolean };

export interface SecondFactorProvider {
  readonly name: string;
  /** Its start checks a secret of the user's (a PIN, the password): a start is then a guess, counted. */
  readonly startChecksSecret?: boolean;
  /**
   * Begins the second factor; a remembered-device credential, when given, is tried first.
   * `prior` is this provider's state from an earlier step of the same login, when there was one.
   */
  start(ctx: LoginContext, deviceCredential?: string, prior?: ProviderState): Promise<FactorOutcome>;
  /** Checks the user's answer to the current challenge. */
  answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome>;
  /**
   * Issues a fresh challenge (a new passcode, a new push) for the same login; the old one is void.
   * `via`: another way to send it the user picked, among the challenge's otherMethods.
   */
  resend(ctx: LoginContext, state: ProviderState, via?: DeliveryMethod): Promise<FactorOutcome>;
  /**
   * For challenges decided elsewhere (a push): asks where it stands. `challenge` while the user
   * has not acted, `success` once approved, `fail` when denied or expired.
   */
  poll?(ctx: LoginContext, state: ProviderState): Promise<FactorOutcome>;
  /**
   * The login no longer waits for this challenge (cancelled, sent again, another way, timed out):
   * void it where it was sent, so nobody can still answer it there. Never throws: a withdrawal
   * that fails is logged, and factorgate refuses the challenge all the same.
   */
  withdraw?(ctx: LoginContext, state: ProviderState): Promise<void>;
  close(): void;
}
