import { codeField, csrfField, messageBox, passwordFields } from '../../http/form_parts.js';
import { html } from '../../http/html.js';
import { ADMIN, MANAGE } from '../../http/paths.js';
import type { Message } from '../messages.js';
import type { AdminSession } from '../session.js';
import { adminLayout } from './layout.js';

/** Step one: the password. */
export function signInPage(formToken: string, message?: Message, username?: string): string {
  return adminLayout('factorgate administration', html`
<h1>factorgate administration</h1>
<p>For administrators: sign in with your password, then a code from your own authenticator app.</p>
${messageBox(message)}
<form method="post" action="${ADMIN}/signin" class="fg-form">
  ${csrfField(formToken)}
  ${passwordFields(username)}
  <button type="submit">Sign in</button>
</form>`);
}

/**
 * Step two: the code from the administrator's own app, or their own passkey (which needs the
 * portal's passkey script). A remembered browser or a recovery code does not stand in for either.
 */
export function codePage(session: AdminSession, message?: Message, passkey = false): string {
  return adminLayout('Enter a code from your app', html`
<h1>Enter a code from your app</h1>
<p>${passkey ? 'Use your passkey or security key, or enter' : 'Enter'} the code your authenticator app shows now.</p>
${messageBox(message)}
${passkey ? html`<form method="post" action="${ADMIN}/passkey/options" class="fg-form" data-factorgate="passkey-signin" data-finish="${ADMIN}/passkey">
  ${csrfField(session.csrf)}
  <p class="fg-message" role="alert" id="fg-passkey-error" hidden></p>
  <button type="submit">Use your passkey or security key</button>
</form>` : ''}
<form method="post" action="${ADMIN}/code" class="fg-form">
  ${csrfField(session.csrf)}
  ${codeField('fg-code', 'Code', message, true)}
  <button type="submit">Continue</button>
</form>
<form method="post" action="${ADMIN}/signout" class="fg-inline">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-link">Cancel</button>
</form>`, undefined, passkey ? PASSKEY_SCRIPTS : undefined);
}

/** @simplewebauthn/browser, and the portals' script that drives it (public/manage_passkeys.js). */
const PASSKEY_SCRIPTS = ['webauthn.js', 'manage_passkeys.js'] as const;

/** The password was right but there is no app (nor passkey, where passkeys are on) to ask of: set one up first, at the portal. */
export function noAppPage(passkeys: boolean): string {
  const needs = passkeys ? 'a code from your own authenticator app or your own passkey, and you have neither' : 'a code from your own authenticator app, and you have none';
  return adminLayout('Set up an authenticator app first', html`
<h1>Set up an authenticator app first</h1>
<p class="fg-message" role="alert">Signing in here needs ${needs} set up.
Set one up at <a href="${MANAGE}">${MANAGE}</a>, then sign in here again.</p>
<p><a class="fg-button" href="${ADMIN}">Back to sign-in</a></p>`);
}

/** Both factors right, but this user is no administrator. */
export function notAdministratorPage(user: string): string {
  return adminLayout('Not an administrator', html`
<h1>Not an administrator</h1>
<p class="fg-message" role="alert">You signed in as <strong>${user}</strong>, who is not an administrator of factorgate.
If you should be, ask whoever runs factorgate to add you to admin.users (or to the administrators' directory group).</p>
<p><a class="fg-button" href="${ADMIN}">Back to sign-in</a></p>`);
}
