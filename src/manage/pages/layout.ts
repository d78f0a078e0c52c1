import { html, type SafeHtml } from '../../http/html.js';
import { page } from '../../http/page.js';
import { csrfField } from '../../http/form_parts.js';
import { BASE } from '../deps.js';
import type { PortalSession } from '../session.js';

// The portal's frame: factorgate's page (http/page.ts) with a wider card and, for a signed-in
// user, the name and a sign-out button. No script: every step is a plain form.

/** `lists`: a page of tables (the home page), on a card wide enough that each row is one line on a laptop. */
export function layout(title: string, body: SafeHtml, session?: PortalSession, scripts?: readonly string[], options: { lists?: boolean } = {}): string {
  const header = session?.stage === 'ready' ? html`<header class="fg-manage-bar">
  <span>Signed in as <strong>${session.user}</strong></span>
  ${signOutForm(session)}
</header>
` : undefined;
  return page(title, body, { cardClass: options.lists ? 'fg-manage fg-lists' : 'fg-manage', header, ...(scripts && { scripts }) });
}

export function signOutForm(session: PortalSession): SafeHtml {
  return html`<form method="post" action="${BASE}/signout" class="fg-inline">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-link">Sign out</button>
</form>`;
}

export { codeField, csrfField, messageBox, when } from '../../http/form_parts.js';

