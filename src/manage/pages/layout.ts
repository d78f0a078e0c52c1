import { html, type SafeHtml } from '../../http/html.js';
import { page } from '../../http/page.js';
import { csrfField } from '../../http/form_parts.js';
import { BASE } from '../deps.js';
import type { Message } from '../messages.js';
import type { PortalSession } from '../session.js';

// The portal's frame: factorgate's page (http/page.ts) with a wider card and, for a signed-in
// user, the name and a sign-out button. No script: every step is a plain form.

export function layout(title: string, body: SafeHtml, session?: PortalSession, scripts?: readonly string[]): string {
  const header = session?.stage === 'ready' ? html`<header class="fg-manage-bar">
  <span>Signed in as <strong>${session.user}</strong></span>
  ${signOutForm(session)}
</header>
` : undefined;
  return page(title, body, { cardClass: 'fg-manage', header, ...(scripts && { scripts }) });
}

export function signOutForm(session: PortalSession): SafeHtml {
  return html`<form method="post" action="${BASE}/signout" class="fg-inline">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-link">Sign out</button>
</form>`;
}

export { csrfField, when } from '../../http/form_parts.js';

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
