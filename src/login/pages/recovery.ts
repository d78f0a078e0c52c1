import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import { cancelForm } from './controls.js';

/** The form for a one-time recovery code from the help desk. */
export function recoveryPage(csrf: string): string {
  return page('Use a recovery code', html`
<h1>Use a recovery code</h1>
<p>If you have lost the device you sign in with, your help desk can give you a one-time recovery code. It works once: after it you set up a new authenticator app.</p>
<form method="post" action="${MFA_PATHS.recovery}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-recovery">Recovery code</label>
  <input id="fg-recovery" name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="64" required autofocus>
  <button type="submit">Continue</button>
</form>
<p><a href="${MFA_PATHS.step}" class="fg-link">Back</a></p>
${cancelForm(csrf)}`);
}
