import type { Request, Response } from 'express';
import type { FactorgateError } from '../errors.js';
import { failurePage } from '../http/page.js';
import { MFA_PATHS } from '../http/paths.js';
import { sealRetryNote } from '../http/retry_note.js';
import { setupKey } from '../http/setup_key.js';
import type { Keyring } from '../security/keyring.js';
import { acceptsJson } from './client.js';
import type { CookiePolicy } from './cookies.js';
import { handleOf } from './handle.js';
import { askPage } from './pages/ask.js';
import { enrolPage } from './pages/enrol.js';
import { noticeText } from './pages/notices.js';
import { passcodePage } from './pages/passcode.js';
import { pushPage } from './pages/push.js';
import { webauthnPage } from './pages/webauthn.js';
import { codeWords, errorWords } from '../http/words.js';
import type { LoginView, Notice, WaitingView } from './views.js';

// A login's view sent to the browser: JSON for the dialog, a page (post/redirect/get) without the
// script; the handle, device and gateway cookies set or cleared as the view says.

/** The injected script asks for JSON; plain form posts get pages (PRG for challenges). */
export function wantsJson(req: Request): boolean {
  return acceptsJson(req.get('accept'));
}

export type Responder = {
  cookies: CookiePolicy;
  keyring: Keyring;
  loginPage: string;
  /** factorgate's clock: a push's time left is counted on it, as its expiry was. */
  now: () => number;
  /** /manageotp, when it is served (otp.enabled): the code pages link to it. */
  portal?: string;
};

export function sendView(req: Request, res: Response, view: LoginView, r: Responder): void {
  res.set('Cache-Control', 'no-store');
  if (view.forgetDevice) r.cookies.clearDevice(res);
  switch (view.kind) {
    case 'challenge':
    case 'ask':
      r.cookies.setHandle(res, handleOf(r.keyring, view.loginId));
      if (wantsJson(req)) res.json(viewJson(view, r.now(), r.portal));
      else if (req.method === 'GET') res.type('html').send(viewPage(view, r.now(), r.portal));
      else {
        // Post/redirect/get, carrying only the notice's code, count and what follows the last
        // attempt (never a value from the request; a lock's length is the configuration's).
        res.redirect(303, `${MFA_PATHS.step}${noticeQuery(view.notice)}`);
      }
      return;
    case 'done':
      r.cookies.clearHandle(res);
      for (const cookie of view.gatewayCookies) res.append('Set-Cookie', cookie);
      if (view.device) r.cookies.setDevice(res, view.device.value, view.device.expiresAt);
      if (wantsJson(req)) res.json({ status: 'done', location: view.location });
      else res.redirect(303, view.location);
      return;
    case 'failed':
      if (!view.keepHandle) r.cookies.clearHandle(res);
      sendError(req, res, view.error, r.loginPage);
  }
}

function noticeQuery(notice: Notice | undefined): string {
  if (!notice) return '';
  const left = notice.attemptsRemaining !== undefined ? `&left=${notice.attemptsRemaining}` : '';
  const then = notice.after ? `&then=${notice.after.then}` : '';
  return `?notice=${notice.code}${left}${then}`;
}

/** What the injected script is told about the open step. */
function viewJson(view: WaitingView, now: number, portal: string | undefined): Record<string, unknown> {
  const notice = view.notice && { ...view.notice, message: noticeText(view.notice) };
  if (view.kind === 'ask') return { status: 'ask', factor: view.factor, fields: view.fields, csrf: view.csrf, notice };
  return {
    status: 'challenge',
    challenge: challengeJson(view, now),
    csrf: view.csrf,
    notice,
    ...(view.another ? { another: true, ways: view.another } : {}),
    ...(portal ? { portal } : {}),
    loginSecondsLeft: loginSecondsLeft(view, now),
  };
}

/** The whole login's time left, in seconds, counted on factorgate's clock (the browser's is not ours). */
const loginSecondsLeft = (view: Extract<LoginView, { kind: 'challenge' }>, now: number): number | undefined =>
  view.deadline === undefined ? undefined : Math.max(0, Math.floor((view.deadline - now) / 1000));

function challengeJson(view: Extract<LoginView, { kind: 'challenge' }>, now: number): Record<string, unknown> {
  const { challenge } = view;
  // The page counts down from secondsLeft: the browser's clock is not ours.
  if (challenge.kind === 'push') return { ...challenge, secondsLeft: Math.max(0, Math.ceil((challenge.expiresAt - now) / 1000)) };
  if (challenge.kind === 'enrol') return { kind: 'enrol', otpauthUri: view.setupUri, key: setupKey(view.setupUri!) };
  // The dialog takes its words from the glossary too (src/http/words.ts).
  if (challenge.kind === 'passcode') return { ...challenge, words: codeWords(challenge) };
  return challenge;
}

/** The open step as a page, for browsers without the script. */
function viewPage(view: WaitingView, now: number, portal: string | undefined): string {
  if (view.kind === 'ask') return askPage(view.fields, view.csrf, view.notice);
  switch (view.challenge.kind) {
    case 'push':
      return pushPage(view.challenge, view.csrf, now, view.notice, view.another);
    case 'enrol':
      return enrolPage(view.setupUri!, view.csrf, view.notice);
    case 'webauthn':
      return webauthnPage(view.csrf, view.notice, view.another);
    default:
      return passcodePage(view.challenge, view.csrf, { notice: view.notice, another: view.another, portal, secondsLeft: loginSecondsLeft(view, now) });
  }
}

/**
 * A password the gateway refused, to a browser without the script: back to the login page, which
 * shows the refusal above the form with the user name kept (src/http/retry_note.ts).
 */
export function sendBackToForm(res: Response, view: Extract<LoginView, { kind: 'failed' }>, typedUser: string, r: Responder): void {
  res.set('Cache-Control', 'no-store');
  if (view.forgetDevice) r.cookies.clearDevice(res);
  r.cookies.clearHandle(res);
  r.cookies.setRetryNote(res, sealRetryNote(r.keyring, typedUser, Date.now()));
  res.redirect(303, r.loginPage);
}

export function sendError(req: Request, res: Response, error: FactorgateError, loginPage: string): void {
  res.set('Cache-Control', 'no-store');
  res.status(error.status);
  if (wantsJson(req)) {
    res.json({ status: 'failed', code: error.code, message: errorWords(error), restart: loginPage });
  } else {
    res.type('html').send(failurePage(titleFor(error), errorWords(error), loginPage));
  }
}

function titleFor(error: FactorgateError): string {
  if (error.code === 'gateway_refused') return 'Sign-in not accepted';
  if (error.code === 'locked' || (error.code === 'rate_limited' && error.extra.limit === 'wrong-user')) return 'Account locked';
  if (error.status >= 500) return 'Sign-in is not available right now';
  return 'Sign-in stopped';
}
