import { FactorgateError, errorCatalog } from '../errors.js';
import { pageMessages, type PageMessage } from '../http/page_messages.js';

// What a page of the portal says after a redirect (src/http/page_messages.ts). (A refused
// sign-in is answered with the form itself, the typed name in it, escaped: steps/show_home.ts.)

export type Message = PageMessage;

export const MESSAGES = {
  signed_out: { kind: 'ok', text: 'You have signed out.' },
  session_expired: { kind: 'error', text: 'Your session has ended. Sign in again.' },
  signin_failed: { kind: 'error', text: 'The user name or password was not accepted. Try again.' },
  user_name_realm: { kind: 'error', text: errorCatalog.user_name_realm.message },
  user_name_realm_required: { kind: 'error', text: errorCatalog.user_name_realm_required.message },
  user_name_realm_unknown: { kind: 'error', text: errorCatalog.user_name_realm_unknown.message },
  user_name_characters: { kind: 'error', text: errorCatalog.user_name_characters.message },
  signin_again: { kind: 'error', text: 'Sign-in could not be finished. Start again.' },
  signin_code_wrong: { kind: 'error', text: 'That code was not right. Enter the current code from one of your devices.' },
  code_reused: { kind: 'error', text: 'That code was used already. Wait for the next one.' },
  signed_in: { kind: 'ok', text: 'You are signed in.' },
  too_many: { kind: 'error', text: 'You have as many devices as allowed. Remove one before adding another.' },
  name_invalid: { kind: 'error', text: 'A device name must be 1 to 64 characters, without control characters.' },
  no_device: { kind: 'error', text: 'That device is not there any more.' },
  not_active: { kind: 'error', text: 'That device is not set up yet. Finish its setup, or remove it.' },
  device_confirmed: { kind: 'ok', text: 'The device is set up. You can now use its codes to sign in.' },
  confirm_wrong: { kind: 'error', text: 'That code was not right. Check that the app shows this account, and enter the current code.' },
  code_works: { kind: 'ok', text: 'That code works.' },
  code_not_valid: { kind: 'error', text: 'That code is not valid.' },
  renamed: { kind: 'ok', text: 'The device was renamed.' },
  removed: { kind: 'ok', text: 'The device was removed. Delete its entry from your authenticator app too.' },
  passkey_added: { kind: 'ok', text: 'The passkey or security key was added. You can now use it to sign in.' },
  passkey_refused: { kind: 'error', text: 'That key could not be added. Try again; if it keeps failing, your organisation may not allow this model of key.' },
  passkey_model: { kind: 'error', text: 'Your organisation does not allow this model of security key. The keys it accepts are named under "Add a passkey or security key" below; use one of those, or ask your help desk.' },
  passkey_already: { kind: 'error', text: 'That key is registered already.' },
  passkey_too_many: { kind: 'error', text: 'You have as many passkeys and security keys as allowed. Remove one before adding another.' },
  passkey_needs_js: { kind: 'error', text: 'Adding a passkey or security key needs JavaScript, which is off or blocked in this browser.' },
  passkey_renamed: { kind: 'ok', text: 'The passkey was renamed.' },
  passkey_removed: { kind: 'ok', text: 'The passkey was removed. It can no longer sign you in.' },
  passkey_signin_refused: { kind: 'error', text: 'That key was not accepted. Try again, or enter a code from your authenticator app.' },
  no_passkey: { kind: 'error', text: 'That passkey is not there any more.' },
  browser_forgotten: { kind: 'ok', text: 'The browser was forgotten. It will be asked for a code at its next sign-in.' },
  browser_forgotten_here: { kind: 'ok', text: 'This browser was forgotten. Your next sign-in here will ask for a code.' },
  browsers_forgotten: { kind: 'ok', text: 'Every remembered browser was forgotten, this one too. Each will be asked for a code at its next sign-in.' },
  no_browser: { kind: 'error', text: 'That browser is not among those remembered for you: it was forgotten already or has expired. Nothing was changed; the list below shows the browsers remembered for you now.' },
} as const satisfies Record<string, Message>;

export type MessageCode = keyof typeof MESSAGES;

export const { messageOf, redirectWith } = pageMessages<MessageCode>(MESSAGES);

/** The message for a user name refused by its form (src/identity/user_names.ts), or undefined for any other error. */
export function userNameMessage(err: unknown): 'user_name_realm' | 'user_name_realm_required' | 'user_name_realm_unknown' | 'user_name_characters' | undefined {
  if (!(err instanceof FactorgateError)) return undefined;
  const code = err.code;
  return code === 'user_name_realm' || code === 'user_name_realm_required' || code === 'user_name_realm_unknown' || code === 'user_name_characters' ? code : undefined;
}
