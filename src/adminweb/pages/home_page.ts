import type { RecentAction } from '../../admin/recent_actions.js';
import { messageBox } from '../../http/form_parts.js';
import { html, type SafeHtml } from '../../http/html.js';
import { isUserKey } from '../../identity/user_key.js';
import type { Message } from '../messages.js';
import type { AdminSession } from '../session.js';
import { userPath } from '../web.js';
import { adminLayout } from './layout.js';
import { searchForm } from './search_form.js';

/** Home: find a user, and the last actions of every administrator. */
export function homePage(session: AdminSession, recent: RecentAction[], source: 'file' | 'process', message?: Message): string {
  return adminLayout('factorgate administration', html`
<h1>Find a user</h1>
${messageBox(message)}
${searchForm()}
<h2>Recent administrator actions</h2>
<p>${source === 'file' ? 'The last 20 actions in admin.auditFile, from the web and the command line.' : 'The last 20 actions taken here since factorgate started. Set admin.auditFile to keep every action, the command line\'s too, and list them here across restarts.'}</p>
${recent.length === 0 ? html`<p>None yet.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">What</th><th scope="col">User</th><th scope="col">Outcome</th></tr></thead>
<tbody>
${recent.map((a) => html`<tr>
  <td data-label="When"><time datetime="${a.time}">${a.time.slice(0, 19).replace('T', ' ')} UTC</time></td>
  <td data-label="Who">${a.actor} (${a.from})</td>
  <td data-label="What">${a.action.replaceAll('_', ' ')}</td>
  <td data-label="User">${a.user === undefined ? '' : userCell(a.user)}</td>
  <td data-label="Outcome">${a.outcome.replaceAll('_', ' ')}</td>
</tr>`)}
</tbody>
</table>`}`, session);
}

/**
 * The user an action was done to, linked to their page. The audit file is read back as text: a
 * name in it that is no key factorgate makes (a line written by hand) is shown, not linked, as
 * its page would hold nothing.
 */
function userCell(user: string): SafeHtml | string {
  return isUserKey(user) ? html`<a href="${userPath(user)}">${user}</a>` : user;
}
