import { html, type SafeHtml } from '../../http/html.js';
import { page } from '../../http/page.js';
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

export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="csrf" value="${token}">`;

export function messageBox(message?: Message): SafeHtml | '' {
  if (!message) return '';
  return message.kind === 'ok'
    ? html`<p class="fg-message fg-ok" role="status">${message.text}</p>`
    : html`<p class="fg-message" role="alert">${message.text}</p>`;
}

/** A code field as on the login pages (numeric keyboard, one-time-code autofill). */
export const codeField = (id: string, label: string): SafeHtml => html`<label for="${id}">${label}</label>
  <input id="${id}" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6,8}" maxlength="8" required>`;

/** Epoch ms as a UTC date and time: the server's clock, shown the same to every user. */
export function when(ms: number | undefined): SafeHtml {
  if (ms === undefined) return html`never`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
