import type { LiveLogin } from '../../admin/actions.js';
import { csrfField, messageBox } from '../../http/form_parts.js';
import { html, type SafeHtml } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';
import type { Message } from '../messages.js';
import type { AdminSession } from '../session.js';
import { userPath } from '../web.js';
import { adminLayout } from './layout.js';

/** The live view: every sign-in waiting now, and the last hour's outcomes. */
export function loginsPage(session: AdminSession, logins: LiveLogin[], outcomes: Array<{ outcome: string; count: number }>, message?: Message): string {
  return adminLayout('Sign-ins now: factorgate administration', html`
<h1>Sign-ins waiting now</h1>
${messageBox(message)}
${logins.length === 0 ? html`<p>None.</p>` : loginsTable(session, logins)}
<p><a href="${ADMIN}/logins">Refresh</a></p>
<h2>Finished in the last hour</h2>
<p>Counted by outcome as each sign-in finishes (the same event as factorgate_login_duration_seconds), per minute, by every instance sharing this store.</p>
${outcomes.length === 0 ? html`<p>None.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">Outcome</th><th scope="col">Sign-ins</th></tr></thead>
<tbody>
${outcomes.map((o) => html`<tr><td>${o.outcome.replaceAll('_', ' ')}</td><td data-label="Sign-ins">${o.count}</td></tr>`)}
</tbody>
</table>`}`, session);
}

export function loginsTable(session: AdminSession, logins: LiveLogin[]): SafeHtml {
  return html`<table class="fg-devices">
<thead><tr><th scope="col">User</th><th scope="col">From</th><th scope="col">Provider</th><th scope="col">Step</th><th scope="col">Waiting</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${logins.map((l) => html`<tr>
  <td><a href="${userPath(l.user)}">${l.user}</a></td>
  <td data-label="From">${l.clientIp}</td>
  <td data-label="Provider">${l.provider}</td>
  <td data-label="Step">${l.step}</td>
  <td data-label="Waiting">${l.ageSeconds} s</td>
  <td class="fg-actions"><form method="post" action="${ADMIN}/logins/${l.ref}/end" class="fg-inline">${csrfField(session.csrf)}
    <button type="submit" class="fg-link">End this sign-in<span class="fg-sr"> of ${l.user}</span></button></form></td>
</tr>`)}
</tbody>
</table>`;
}
