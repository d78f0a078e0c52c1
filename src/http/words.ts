import type { FactorgateError } from '../errors.js';
import type { DeliveryMethod, PasscodeChallenge } from '../providers/provider.js';

/**
 * The product's words, in one place: the login's pages, the dialog (through the challenge's
 * `words`) and the notices take them from here, so one thing is called one name everywhere.
 *
 * - sign in: the verb; "sign-in" the noun. Pages never say "log in".
 * - passcode: a one-time number factorgate's two-factor server sends by e-mail or SMS. It can
 *   expire and be sent again.
 * - code: a one-time number the user's own device shows: an authenticator app, or the push app.
 *   Nothing is sent, so nothing can be sent again; an app's code is never a "passcode".
 * - device: the phone (or token) that approves a push or shows codes.
 * - authenticator app: an app that shows codes (TOTP), registered at /manageotp.
 * - remembered browser: a browser that skips the second factor for a while after a sign-in.
 */
export const GLOSSARY = {
  signIn: 'sign in',
  passcode: 'passcode',
  code: 'code',
  appCode: 'code from your authenticator app',
  device: 'device',
  authenticatorApp: 'authenticator app',
  rememberedBrowser: 'remembered browser',
} as const;

/** The link to /manageotp on the code pages and in the dialog. */
export const MANAGE_LINK_TEXT = 'Manage your devices at /manageotp';

/** What a code step shows: its title, the field's label, the line above it, and what it offers. */
export type CodeWords = {
  title: string;
  label: string;
  intro: string;
  /** Absent when there is nothing to send again (an app's code). */
  resend?: string;
  /** Absent when the browser cannot be remembered. */
  remember?: string;
  /** "The passcode is valid for 5 minutes.", when the provider says how long. */
  validity?: string;
  /** The other ways to send the passcode the user may pick ("Send it by text message instead"). */
  otherWays?: { via: DeliveryMethod; label: string }[];
};

const BY: Record<DeliveryMethod, string> = { EMAIL: 'e-mail', SMS: 'text message' };

export function codeWords(challenge: PasscodeChallenge): CodeWords {
  if (challenge.fromApp) {
    return {
      title: `Enter the ${GLOSSARY.appCode}`,
      label: `6-digit ${GLOSSARY.code}`,
      intro: challenge.prompt ?? `Open your ${GLOSSARY.authenticatorApp} and enter the ${GLOSSARY.code} it shows now.`,
    };
  }
  return {
    title: `Enter your ${GLOSSARY.passcode}`,
    label: 'Passcode',
    intro: challenge.destination ? `We sent a ${GLOSSARY.passcode} to ${challenge.destination}.` : challenge.prompt ?? `We sent you a ${GLOSSARY.passcode}.`,
    resend: `Send a new ${GLOSSARY.passcode}`,
    remember: challenge.canRememberDevice ? rememberBrowserFor(challenge.rememberHours) : undefined,
    validity: challenge.validSeconds === undefined ? undefined : `The ${GLOSSARY.passcode} is valid for ${secondsInWords(challenge.validSeconds)}.`,
    otherWays: challenge.otherMethods?.length ? challenge.otherMethods.map((via) => ({ via, label: `Send it by ${BY[via]} instead` })) : undefined,
  };
}

/** The whole sign-in's time left, as the code pages say it (a warning in its last minute). */
export function signInEndsIn(seconds: number): string {
  if (seconds <= 60) return 'This sign-in ends in less than a minute: finish it now, or start again from the login page.';
  return `Finish this sign-in within ${secondsInWords(Math.floor(seconds / 60) * 60)}.`;
}

/** "Remember this browser for 8 hours": the configured time, in words. */
export function rememberBrowserFor(hours: number | undefined): string {
  return hours === undefined ? 'Remember this browser' : `Remember this browser for ${durationInWords(hours)}`;
}

export function durationInWords(hours: number): string {
  if (hours % 24 === 0 && hours >= 48) return `${hours / 24} days`;
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** "3 attempts left", "1 attempt left", or "Some attempts left" when the count is unknown. */
export function attemptsLeft(n: number | undefined): string {
  if (n === undefined) return 'Some attempts left';
  return `${n} attempt${n === 1 ? '' : 's'} left`;
}

/** "15 minutes", "1 minute", "2 hours": a time in whole minutes (rounded up), or whole hours. */
export function secondsInWords(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  if (minutes % 60 === 0) return durationInWords(minutes / 60);
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

/** "a 15-minute lock", "a 1-hour lock": the same time as an adjective. */
export function lockInWords(seconds: number): string {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes % 60 === 0 ? `a ${minutes / 60}-hour lock` : `a ${minutes}-minute lock`;
}

/** What follows the last attempt: a lock of known length, or the end of this sign-in. */
export type AfterLastAttempt = { then: 'lock'; lockSeconds: number } | { then: 'end' };

/** "1 attempt left before a 15-minute lock", "2 attempts left for this sign-in". */
export function attemptsLeftBefore(n: number | undefined, after: AfterLastAttempt | undefined): string {
  const left = attemptsLeft(n);
  switch (after?.then) {
    case 'lock':
      return `${left} before ${lockInWords(after.lockSeconds)}`;
    case 'end':
      return `${left} for this sign-in`;
    default:
      return left;
  }
}

/** The error's message for the user, with what only the error knows (how long a lock lasts). */
export function errorWords(error: FactorgateError): string {
  const lockedFor = error.extra.lockedForSeconds;
  if (error.code === 'rate_limited' && typeof lockedFor === 'number') {
    return `Too many wrong attempts: this account is locked for ${secondsInWords(lockedFor)}. Try again after that, or ask your help desk to unlock it.`;
  }
  return error.userMessage;
}
