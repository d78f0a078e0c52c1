import { html } from '../../http/html.js';
import { page } from '../../http/page.js';
import type { Notice } from '../views.js';
import { anotherWay, cancelForm, recoveryLink } from './controls.js';
import type { Way } from '../ways.js';
import { noticeText } from './notices.js';

/**
 * A passkey asked for, in a browser without the script: WebAuthn runs only in JavaScript, so the
 * page says so and offers the user's other ways, when the flow has one: shown at once, not behind
 * "Other options", since they are all this browser can do.
 */
export function webauthnPage(csrf: string, notice?: Notice, another?: readonly Way[]): string {
  const message = noticeText(notice);
  return page('Use your passkey or security key', html`
<h1>Use your passkey or security key</h1>
${message ? html`<p class="fg-message" role="alert">${message}</p>` : ''}
<p class="fg-message" role="alert">Signing in with a passkey or security key needs JavaScript, which is off or blocked in this browser. Turn it on and start again from the login page${another ? ', or use another way to sign in' : ''}.</p>
${anotherWay(csrf, another)}
${recoveryLink()}
${cancelForm(csrf)}`);
}
