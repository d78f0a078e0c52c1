import { csrfField } from '../../http/form_parts.js';
import { html, type SafeHtml } from '../../http/html.js';
import { page } from '../../http/page.js';
import { ADMIN } from '../../http/paths.js';
import type { AdminSession } from '../session.js';

// The frame of /admin: factorgate's page (src/http/page.ts) with the portal's wider card and, for
// a signed-in administrator, a bar with the way home, the live sign-ins and sign-out. No script,
// but on the code step for an administrator with a passkey (WebAuthn cannot be done without one).

export function adminLayout(title: string, body: SafeHtml, session?: AdminSession, scripts?: readonly string[]): string {
  const header = session?.stage === 'ready' ? html`<header class="fg-manage-bar">
  <nav aria-label="Administration"><a href="${ADMIN}">Users</a> · <a href="${ADMIN}/logins">Sign-ins now</a></nav>
  <span>Administrator <strong>${session.user}</strong>
  <form method="post" action="${ADMIN}/signout" class="fg-inline">${csrfField(session.csrf)}<button type="submit" class="fg-link">Sign out</button></form></span>
</header>
` : undefined;
  return page(title, body, { cardClass: 'fg-manage', ...(header && { header }), ...(scripts && { scripts }) });
}
