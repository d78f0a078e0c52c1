import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import { MFA_PATHS } from '../../http/paths.js';
import { codeWords, signInEndsIn } from '../../http/words.js';
import type { PasscodeChallenge } from '../../providers/provider.js';
import type { Notice } from '../views.js';
import { withPortalLinks } from '../../http/portal_link.js';
import { anotherWay, cancelForm, otherOptions, portalLink, recoveryLink, recoveryOnly } from './controls.js';
import type { Way } from '../ways.js';
import { noticeText } from './notices.js';

/** A passcode sent by e-mail or SMS, or a code from an authenticator app (nothing to send again then). */
export function passcodePage(challenge: PasscodeChallenge, csrf: string, options: { notice?: Notice; another?: readonly Way[]; portal?: string; secondsLeft?: number } = {}): string {
  const { notice, another, portal, secondsLeft } = options;
  const message = noticeText(notice);
  const words = codeWords(challenge);
  // The passcode by the other method, and the flow's other ways; with none, the recovery code is said plainly.
  const others = [
    ...(words.otherWays ?? []).map((way) => html`<form method="post" action="${MFA_PATHS.resend}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="via" value="${way.via}">
  <button type="submit" class="fg-link">${way.label}</button>
</form>`),
    ...anotherWay(csrf, another),
  ];
  const intro = challenge.destination && !challenge.fromApp ? html`We sent a passcode to <strong>${challenge.destination}</strong>.` : withPortalLinks(words.intro);
  return page(words.title, html`
<h1>${words.title}</h1>
<p>${intro}${words.validity ? html` ${words.validity}` : ''}</p>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
${secondsLeft === undefined ? '' : html`<p class="fg-help">${signInEndsIn(secondsLeft)}</p>`}
<form method="post" action="${MFA_PATHS.step}" class="fg-form">
  <input type="hidden" name="csrf" value="${csrf}">
  <label for="fg-passcode">${words.label}</label>
  <input id="fg-passcode" name="passcode" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required autofocus>
  ${words.remember ? html`<label class="fg-check"><input type="checkbox" name="remember" value="on"> ${words.remember}</label>` : ''}
  <button type="submit">Verify</button>
</form>
${words.resend ? html`<form method="post" action="${MFA_PATHS.resend}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">${words.resend}</button>
</form>` : ''}
${others.length ? otherOptions([...others, recoveryLink()]) : recoveryOnly()}
${portal ? portalLink(portal) : ''}
${cancelForm(csrf)}`);
}
