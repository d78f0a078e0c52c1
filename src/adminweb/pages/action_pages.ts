import { csrfField, when } from '../../http/form_parts.js';
import { html } from '../../http/html.js';
import { actionPath, userAction, type UserActionName } from '../actions_table.js';
import type { AdminSession } from '../session.js';
import { userPath } from '../web.js';
import { adminLayout } from './layout.js';

/** The confirmation every action on a user's page asks for: what will happen, then one post. */
export function confirmPage(session: AdminSession, user: string, action: UserActionName, id: string | undefined): string {
  const spec = userAction(action);
  return adminLayout(spec.title, html`
<h1>${spec.title}</h1>
<p>User <strong>${user}</strong>${id === undefined ? '' : html`, ${action === 'device-remove' ? 'device' : 'browser'} <code>${id}</code>`}.</p>
<p>${spec.explain}</p>
<form method="post" action="${actionPath(user, action, id)}" class="fg-form">
  ${csrfField(session.csrf)}
  <button type="submit" class="fg-danger">${spec.button}</button>
</form>
<p><a href="${userPath(user)}">Cancel: back to ${user}</a></p>`, session);
}

/** The recovery code, on this page only: it is stored hashed, written to no log, and cannot be shown again. */
export function recoveryCodePage(session: AdminSession, user: string, issued: { code: string; expiresAt: number }): string {
  return adminLayout(`Recovery code for ${user}`, html`
<h1>Recovery code for ${user}</h1>
<p class="fg-message fg-ok" role="status">The code is issued. It is shown only now: give it to the user by a way you trust.</p>
<p class="fg-recovery-code"><code>${issued.code}</code></p>
<p>It works once, until ${when(issued.expiresAt)}. At sign-in the user chooses "Use a recovery code", types it, and sets up a new authenticator app.</p>
<p><a class="fg-button" href="${userPath(user)}">Back to ${user}</a></p>`, session);
}
