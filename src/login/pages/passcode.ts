import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import type { PasscodeChallenge } from '../../providers/provider.js';
import type { Notice } from '../views.js';
import { anotherWay, cancelForm, recoveryLink } from './controls.js';
import { noticeText } from './notices.js';

/** A passcode sent by e-mail or SMS, or a code from an authenticator app. */
export function passcodePage(challenge: PasscodeChallenge, csrf: string, notice?: Notice, another?: boolean): string {
  const message = noticeText(notice);
  return page('Enter your passcode', html`
<h1>Enter your passcode</h1>
<p>${challenge.destination ? html`We sent a passcode to <strong>${challenge.destination}</strong>.` : challenge.prompt ?? 'We sent you a passcode.'}</p>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<form method="post" action="${MFA_PATHS.step}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-passcode">Passcode</label>
  <input id="fg-passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus>
  ${challenge.canRememberDevice ? html`<label class="fg-check"><input type="checkbox" name="remember" value="on"> Remember this device</label>` : ''}
  <button type="submit">Verify</button>
</form>
<form method="post" action="${MFA_PATHS.resend}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Send a new passcode</button>
</form>
${anotherWay(csrf, another)}
${recoveryLink()}
${cancelForm(csrf)}`);
}
