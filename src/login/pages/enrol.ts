import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import { setupKeyHtml } from '../../http/setup_key.js';
import type { Notice } from '../views.js';
import { cancelForm } from './controls.js';
import { noticeText } from './notices.js';

/**
 * A first authenticator app, registered during the login: the QR code with the key beside it (a
 * wider card, so the page and its Cancel fit a laptop's screen), and the first code.
 */
export function enrolPage(setupUri: string, csrf: string, notice?: Notice): string {
  const message = noticeText(notice);
  return page('Set up your authenticator app', html`
<h1>Set up your authenticator app</h1>
<p>Your account has no authenticator app yet. Scan this code with one (such as FreeOTP, Google Authenticator or Microsoft Authenticator), then enter the 6-digit code it shows.</p>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<div class="fg-setup">
  <img class="fg-qr" src="${MFA_PATHS.enrolQr}" alt="QR code for your authenticator app" width="220" height="220">
  <p class="fg-setup-key"><a href="${setupUri}">Open it in an authenticator app on this device</a>, or type this key: ${setupKeyHtml(setupUri)}</p>
</div>
<form method="post" action="${MFA_PATHS.step}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-passcode">Code from the app</label>
  <input id="fg-passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus>
  <button type="submit">Finish setup and sign in</button>
</form>
${cancelForm(csrf)}`, { cardClass: 'fg-wide' });
}
