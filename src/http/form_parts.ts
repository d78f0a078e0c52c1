import { html, type SafeHtml } from './html.js';
import type { PageMessage as Message } from './page_messages.js';

// Pieces of the forms and pages of factorgate's own portals (/manageotp, /admin).

/** The session's CSRF token, in a hidden field of every form that posts. */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="csrf" value="${token}">`;

/** Epoch ms as a UTC date and time: the server's clock, shown the same to every user. */
export function when(ms: number | undefined): SafeHtml {
  if (ms === undefined) return html`never`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}

export function messageBox(message?: Message): SafeHtml | '' {
  if (!message) return '';
  return message.kind === 'ok'
    ? html`<p class="fg-message fg-ok" role="status">${message.text}</p>`
    : html`<p class="fg-message" role="alert" id="${ERROR_ID}">${message.text}</p>`;
}

/** The id of a page's error message, which the field to correct points to. */
const ERROR_ID = 'fg-error';

/**
 * A code field as on the login pages (numeric keyboard, one-time-code autofill). No pattern: a
 * code typed "123 456" or "123-456" is read as 123456 (src/typed_code.ts), so the browser must
 * not refuse it. After an error the field has the focus and names the message, so the user types
 * the next code straight away and a screen reader says why.
 */
export function codeField(id: string, label: string, message?: Message, focus = false): SafeHtml {
  const failed = message?.kind === 'error';
  return html`<label for="${id}">${label}</label>
  <input id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required${failed || focus ? html` autofocus` : ''}${failed ? html` aria-invalid="true" aria-describedby="${ERROR_ID}"` : ''}>`;
}

/** The user name and password of a sign-in form. After a refusal the name typed stays, and the password has the focus. */
export function passwordFields(username?: string): SafeHtml {
  return html`<label for="fg-username">User name</label>
  <input id="fg-username" name="username" autocomplete="username" maxlength="256" required${username ? html` value="${username}"` : html` autofocus`}>
  <label for="fg-password">Password</label>
  <input id="fg-password" name="password" type="password" autocomplete="current-password" maxlength="1024" required${username ? html` autofocus` : ''}>`;
}
