import { pageMessages, type PageMessage } from '../http/page_messages.js';

// What a page of /admin says after a redirect (src/http/page_messages.ts).

export type Message = PageMessage;

export const MESSAGES = {
  session_expired: { kind: 'error', text: 'Your administrator session has ended. Sign in again.' },
  signed_out: { kind: 'ok', text: 'You have signed out.' },
  signin_failed: { kind: 'error', text: 'The user name or password is not right.' },
  code_wrong: { kind: 'error', text: 'That code is not right, or it has expired. Enter the code your app shows now.' },
  code_reused: { kind: 'error', text: 'That code was used already. Wait for your app to show the next one.' },
  signin_again: { kind: 'error', text: 'Sign in again.' },
  passkey_refused: { kind: 'error', text: 'That key was not accepted. Try again, with another of your keys, or enter the code your app shows now.' },
  passkey_needs_js: { kind: 'error', text: 'Signing in with a passkey needs JavaScript, which is off or blocked in this browser. Enter the code your app shows now instead.' },
  not_administrator: { kind: 'error', text: 'You signed in, but you are not an administrator of factorgate. If you should be, ask whoever runs factorgate to add you to admin.users (or to the administrators\' directory group).' },
  device_removed: { kind: 'ok', text: 'The device is removed: it gives no more sign-in codes.' },
  device_not_found: { kind: 'error', text: 'There is no such device: it may have been removed already.' },
  browser_revoked: { kind: 'ok', text: 'The browser is forgotten: at its next sign-in it is asked for a code.' },
  browser_not_found: { kind: 'error', text: 'There is no such remembered browser: it may have been revoked already, or it expired.' },
  browsers_revoked: { kind: 'ok', text: 'Every remembered browser of this user is forgotten: each is asked for a code at its next sign-in.' },
  unlocked: { kind: 'ok', text: 'The lock is cleared and the counters start from zero: the user can sign in now.' },
  login_ended: { kind: 'ok', text: 'The sign-in is ended: that browser has to start again.' },
  login_not_found: { kind: 'error', text: 'That sign-in is no longer waiting: it finished or expired.' },
} as const satisfies Record<string, Message>;

export type MessageCode = keyof typeof MESSAGES;

export const { messageOf, redirectWith } = pageMessages<MessageCode>(MESSAGES);
