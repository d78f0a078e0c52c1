import { passwordFields } from '../../http/form_parts.js';
import { html } from '../../http/html.js';
import { BASE } from '../deps.js';
import type { Message } from '../messages.js';
import type { PortalSession } from '../session.js';
import { codeField, csrfField, layout, messageBox } from './layout.js';

/** Step one: the directory password. After a refusal the name typed stays, and the password has the focus. */
export function signInPage(formToken: string, message?: Message, username?: string): string {
  return layout('Manage your authenticator apps', html`
<h1>Manage your authenticator apps</h1>
<p>Sign in to add, test, rename or remove the devices that give you sign-in codes.</p>
${messageBox(message)}
<form method="post" action="${BASE}/signin" class="fg-form">
  ${csrfField(formToken)}
  ${passwordFields(username)}
  <button type="submit">Sign in</button>
</form>`);
}

/** Step two, for a user who already has a device: a stolen password alone adds no device. */
export function signInCodePage(session: PortalSession, message?: Message, passkey = false): string {
  return layout('Enter a code from your device', html`
<h1>Enter a code from your device</h1>
<p>You already have an authenticator app${passkey ? ' or a passkey' : ''} set up. ${passkey ? 'Use your passkey or security key, or enter' : 'Enter'} the code your app shows now.</p>
${messageBox(message)}
${passkey ? html`<form method="post" action="${BASE}/passkey-signin/options" class="fg-form" data-factorgate="passkey-signin">
  ${csrfField(session.csrf)}
  <p class="fg-message" role="alert" id="fg-passkey-error" hidden></p>
  <button type="submit">Use your passkey or security key</button>
</form>` : ''}
<form method="post" action="${BASE}/code" class="fg-form">
  ${csrfField(session.csrf)}
  ${codeField('fg-code', 'Code', message, true)}
  <button type="submit">Continue</button>
</form>
<form method="post" action="${BASE}/signout" class="fg-inline">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-link">Cancel</button>
</form>`, undefined, passkey ? ['webauthn.js', 'manage_passkeys.js'] : undefined);
}
