// A second-factor provider drives one kind of second factor (Anakam passcode, push, TOTP, ...).
// Each call ends in exactly one outcome (STYLE 2, from passport): `success` (the factor holds),
// `challenge` (ask the user), or `fail` (an expected refusal, such as a wrong passcode).
// Infrastructure trouble (server down, nonsense reply) is thrown as a FactorgateError.

export type LoginContext = {
  username: string;
  clientIp: string;
  /** The whole login's deadline (epoch ms): no callout may run past it. */
  deadline: number;
};

/** Provider-private state kept server-side in the login record; never sent to the browser. */
export type ProviderState = Record<string, string | number | boolean | undefined>;

export type Challenge = {
  kind: 'passcode';
  /** Where the passcode went, masked by the server (a***@example.com). */
  destination?: string;
  canRememberDevice: boolean;
};

export type RememberedDevice = { credential: string; expiresAt: number };

export type FailReason = 'passcode_invalid' | 'passcode_expired' | 'locked' | 'method_unavailable' | 'delivery_failed' | 'second_factor_refused';

export type FactorOutcome =
  | { outcome: 'success'; state: ProviderState; rememberDevice?: RememberedDevice }
  | { outcome: 'challenge'; state: ProviderState; challenge: Challenge; deviceRefused?: boolean }
  | { outcome: 'fail'; state: ProviderState; reason: FailReason; attemptsRemaining?: number; canRetry: boolean };

export type ChallengeAnswer = { passcode: string; rememberDevice: boolean };

export interface SecondFactorProvider {
  readonly name: string;
  /** Begins the second factor; a remembered-device credential, when given, is tried first. */
  start(ctx: LoginContext, deviceCredential?: string): Promise<FactorOutcome>;
  /** Checks the user's answer to the current challenge. */
  answer(ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome>;
  /** Issues a fresh challenge (a new passcode) for the same login. */
  resend(ctx: LoginContext, state: ProviderState): Promise<FactorOutcome>;
  close(): void;
}
