import type { PasscodeChallenge } from '../providers/provider.js';

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

/** What a code step shows: its title, the field's label, the line above it, and what it offers. */
export type CodeWords = {
  title: string;
  label: string;
  intro: string;
  /** Absent when there is nothing to send again (an app's code). */
  resend?: string;
  /** Absent when the browser cannot be remembered. */
  remember?: string;
};

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
  };
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
