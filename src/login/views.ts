import type { FactorgateError } from '../errors.js';
import type { LoginField } from '../flows/index.js';
import type { AfterLastAttempt } from '../http/words.js';
import type { Challenge } from '../providers/provider.js';
import type { Way } from './ways.js';

// What a step of the login hands to the web layer (respond.ts), which renders it as JSON for the
// dialog or as a page for a browser without the script.

export type NoticeCode = 'passcode_invalid' | 'code_invalid' | 'code_reused' | 'passcode_expired' | 'device_refused' | 'passcode_resent' | 'push_expired' | 'push_wrong_number' | 'push_waiting' | 'push_resent' | 'passkey_invalid' | 'recovery_code_invalid' | 'via_unavailable' | 'no_phone_on_file' | 'no_email_on_file' | 'way_not_offered' | 'way_unavailable' | 'pushes_paused';
/** after: what the last of the attempts left leads to (a lock, and for how long, or the end of this sign-in). */
export type Notice = {
  code: NoticeCode; attemptsRemaining?: number; after?: AfterLastAttempt;
  /** pushes_paused: the longest the pause can last (the limits' window, which began at the first push counted). */
  pauseSeconds?: number;
};

export type LoginView =
  /** another: the later policies of this factor that apply, so the user may give this one up for one of them. */
  | { kind: 'challenge'; loginId: string; csrf: string; challenge: Challenge; notice?: Notice; forgetDevice: boolean; another?: Way[];
      /** For an enrol challenge: the new device's otpauth:// URI, to show as a QR code (it holds the secret). */
      setupUri?: string;
      /** When the whole login ends (the record's deadline): the pages warn before it. */
      deadline?: number }
  /** A factor's form (its login schema): the fields to show. */
  | { kind: 'ask'; loginId: string; csrf: string; factor: string; fields: readonly LoginField[]; notice?: Notice; forgetDevice: boolean }
  | { kind: 'done'; location: string; gatewayCookies: string[]; device?: { value: string; expiresAt: number }; forgetDevice: boolean }
  /** keepHandle: the request was refused but the login goes on (a forged post must not end it). */
  | { kind: 'failed'; error: FactorgateError; forgetDevice: boolean; keepHandle?: boolean };

export type WaitingView = Extract<LoginView, { kind: 'challenge' | 'ask' }>;

/** Where a push stands, as the waiting page is told. */
export type PushVerdict = 'open' | 'approved' | 'denied' | 'expired';

/** A refusal that leaves the login as it was (its handle still good). */
export const refusedOnly = (error: FactorgateError): LoginView => ({ kind: 'failed', error, forgetDevice: false, keepHandle: true });
