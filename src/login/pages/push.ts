import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import type { PushChallenge } from '../../providers/provider.js';
import type { Notice } from '../views.js';
import { anotherWay, cancelForm, recoveryLink } from './controls.js';
import { noticeText } from './notices.js';

/** The push waiting page without the script: the user approves on the phone, then presses Continue. */
export function pushPage(challenge: PushChallenge, csrf: string, now: number, notice?: Notice, another?: boolean): string {
  const message = noticeText(notice);
  const expired = notice?.code === 'push_expired' || challenge.expiresAt <= now;
  const secondsLeft = Math.max(0, Math.ceil((challenge.expiresAt - now) / 1000));
  return page('Approve the sign-in on your device', html`
<h1>Approve the sign-in on your device</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
${expired ? '' : html`<p>We sent a notification to your device. Pick this number there to approve:</p>
<p class="fg-number" aria-label="number to pick">${challenge.number}</p>
<p class="fg-countdown">About ${secondsLeft} seconds left.</p>
<form method="post" action="${MFA_PATHS.pushConfirm}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit">I approved it, continue</button>
</form>`}
<form method="post" action="${MFA_PATHS.resend}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Resend notification</button>
</form>
${challenge.canEnterCode ? html`<form method="post" action="${MFA_PATHS.step}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-code">Or enter the code manually</label>
  <input id="fg-code" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
  <button type="submit">Verify code</button>
</form>` : ''}
${anotherWay(csrf, another)}
${recoveryLink()}
${cancelForm(csrf)}`);
}
