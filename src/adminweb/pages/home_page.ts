import type { RecentAction } from '../../admin/recent_actions.js';
import { messageBox } from '../../http/form_parts.js';
import { html } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';
import type { Message } from '../messages.js';
import type { AdminSession } from '../session.js';
import { adminLayout } from './layout.js';

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
  <td data-label="User">${a.user ?? ''}</td>
  <td data-label="Outcome">${a.outcome.replaceAll('_', ' ')}</td>
</tr>`)}
</tbody>
</table>`}`, session);
}

export const searchForm = () => html`<form method="get" action="${ADMIN}/users" class="fg-form" role="search">
  <label for="fg-user">User name</label>
  <input id="fg-user" name="name" maxlength="256" required autocomplete="off">
  <button type="submit">Show</button>
</form>`;
