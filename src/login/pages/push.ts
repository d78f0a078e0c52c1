import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import type { PushChallenge } from '../../providers/provider.js';
import type { Notice } from '../views.js';
import { anotherWay, cancelForm, recoveryLink } from './controls.js';
import type { Way } from '../ways.js';
import { noticeText } from './notices.js';

/**
 * The push waiting page without the script: the user approves on the phone, then presses
 * Continue. It reloads itself when the push expires (a meta refresh with the time left), so it
 * never shows a push that can no longer be answered. While the push can be answered, nothing but
 * Continue invites a click: a new push, the code and another way wait under "Other options".
 */
export function pushPage(challenge: PushChallenge, csrf: string, now: number, notice?: Notice, another?: readonly Way[]): string {
  const secondsLeft = Math.max(0, Math.ceil((challenge.expiresAt - now) / 1000));
  const isVoid = notice?.code === 'push_expired' || notice?.code === 'push_wrong_number' || secondsLeft === 0;
  const message = noticeText(notice) ?? (secondsLeft === 0 ? noticeText({ code: 'push_expired' }) : undefined);
  const title = 'Approve the sign-in on your device';
  const resend = (primary: boolean) => html`<form method="post" action="${MFA_PATHS.resend}" class="${primary ? 'fg-form' : 'fg-inline'}">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit"${primary ? html` autofocus` : html` class="fg-link"`}>Send a new notification</button>
</form>`;
  if (isVoid) {
    return page(title, html`
<h1>${title}</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
${resend(true)}
${anotherWay(csrf, another)}
${recoveryLink()}
${cancelForm(csrf)}`);
  }
  return page(title, html`
<h1>${title}</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<p>We sent a notification to your device. Pick this number there to approve:</p>
<p class="fg-number" aria-label="number to pick">${challenge.number}</p>
<p class="fg-countdown">Waiting for your approval: ${waitingFor(secondsLeft)} left. This page reloads when the request expires.</p>
<form method="post" action="${MFA_PATHS.pushConfirm}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit">I approved it, continue</button>
</form>
<details class="fg-more">
<summary>Other options</summary>
${challenge.canEnterCode ? html`<form method="post" action="${MFA_PATHS.step}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-code">Or enter the code from your device</label>
  <input id="fg-code" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>
  <button type="submit">Verify code</button>
</form>` : ''}
${resend(false)}
${anotherWay(csrf, another)}
${recoveryLink()}
</details>
${cancelForm(csrf)}`, { refresh: { seconds: secondsLeft + 1, path: MFA_PATHS.step } });
}

function waitingFor(seconds: number): string {
  if (seconds < 60) return seconds === 1 ? '1 second' : `${seconds} seconds`;
  const minutes = Math.round(seconds / 60);
  return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
}
