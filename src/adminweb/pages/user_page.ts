import type { UserReport } from '../../admin/actions.js';
import { messageBox, when } from '../../http/form_parts.js';
import { html } from '../../http/html.js';
import type { Message } from '../messages.js';
import type { AdminSession } from '../session.js';
import { confirmPath } from '../actions_table.js';
import { adminLayout } from './layout.js';
import { userLoginsSection, type LoginsListing } from './logins_page.js';

/** One user: devices, remembered browsers, limits, recovery code, a page of the sign-ins waiting; each action a link to its confirmation. */
export function userPage(session: AdminSession, report: UserReport, limits: { wrongAnswersPerUser: number; loginStartsPerUser: number }, logins: LoginsListing, message?: Message): string {
  const { user } = report;
  return adminLayout(`${user}: factorgate administration`, html`
<h1>User ${user}</h1>
${messageBox(message)}
<h2>Authenticator apps and passkeys</h2>
${report.devices === 'no device store' ? html`<p>There is no device store.</p>` : report.devices.length === 0 ? html`<p>None.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">Device</th><th scope="col">Kind</th><th scope="col">Added</th><th scope="col">Last used</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${report.devices.map((d) => html`<tr>
  <td>${d.name}${d.active ? '' : ' (setup not finished)'}</td>
  <td data-label="Kind">${d.kind === 'totp' ? 'authenticator app' : 'passkey'}</td>
  <td data-label="Added">${when(d.createdAt)}</td>
  <td data-label="Last used">${when(d.lastUsedAt)}</td>
  <td class="fg-actions"><a href="${confirmPath(user, 'device-remove', d.id)}">Remove<span class="fg-sr"> ${d.name}</span></a></td>
</tr>`)}
</tbody>
</table>`}
<h2>Push enrolment</h2>
${typeof report.pushTokens === 'string' ? html`<p>${report.pushTokens === 'no push server' ? 'There is no push server.' : 'Not available from the push server: it does not let factorgate list tokens, or did not answer (the log says which: push_tokens_unavailable).'}</p>` : report.pushTokens.length === 0 ? html`<p>None: the push server lists no push token for this user.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">Token</th><th scope="col">Description</th><th scope="col">State</th><th scope="col">Failed</th></tr></thead>
<tbody>
${report.pushTokens.map((t) => html`<tr>
  <td>${t.serial}</td>
  <td data-label="Description">${t.description}</td>
  <td data-label="State">${t.active === undefined ? 'not said' : t.active ? 'active' : 'disabled'}</td>
  <td data-label="Failed">${t.failCount === undefined ? 'not said' : String(t.failCount)}</td>
</tr>`)}
</tbody>
</table>
<p>As the push server lists them; they are managed there.</p>`}
<h2>Remembered browsers</h2>
${report.browsers.length === 0 ? html`<p>None: every sign-in asks for a second factor.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">Browser</th><th scope="col">From</th><th scope="col">Remembered</th><th scope="col">Until</th><th scope="col"><span class="fg-sr">Actions</span></th></tr></thead>
<tbody>
${report.browsers.map((b) => html`<tr>
  <td>${b.userAgent}</td>
  <td data-label="From">${b.clientIp}</td>
  <td data-label="Remembered">${when(b.issuedAt)}</td>
  <td data-label="Until">${when(b.expiresAt)}</td>
  <td class="fg-actions"><a href="${confirmPath(user, 'browser-revoke', b.id)}">Revoke<span class="fg-sr"> ${b.userAgent} from ${b.clientIp}</span></a></td>
</tr>`)}
</tbody>
</table>
<p><a href="${confirmPath(user, 'browsers-revoke-all')}">Revoke every remembered browser</a></p>`}
<h2>Locks and limits</h2>
<p>${report.limits.locked ? html`<strong>Locked.</strong> ` : 'Not locked. '}In the current window: ${report.limits.wrongAnswers} wrong answers (locks at ${limits.wrongAnswersPerUser}),
${report.limits.starts} sign-ins started (locks at ${limits.loginStartsPerUser}), ${report.limits.pushes} pushes sent.</p>
${report.limits.locked || report.limits.wrongAnswers + report.limits.starts + report.limits.pushes > 0 ? html`<p><a href="${confirmPath(user, 'unlock')}">Clear the lock and the counters</a></p>` : ''}
<h2>Recovery code</h2>
<p>${report.recoveryCode ? html`An unused code was issued ${when(report.recoveryCode.issuedAt)}; it expires ${when(report.recoveryCode.expiresAt)}.` : 'None unused.'}
A recovery code lets the user sign in once without a second factor and set up a new app.</p>
<p><a href="${confirmPath(user, 'recovery-code')}">${report.recoveryCode ? 'Issue a new recovery code (the unused one stops working)' : 'Issue a recovery code'}</a></p>
<h2 id="waiting">Sign-ins waiting now</h2>
${userLoginsSection(session, logins)}
<h2>Recent sign-ins</h2>
${report.recentSignIns.length === 0 ? html`<p>None kept.</p>` : html`<table class="fg-devices">
<thead><tr><th scope="col">Ended</th><th scope="col">Outcome</th><th scope="col">From</th><th scope="col">Provider</th><th scope="col">Way</th></tr></thead>
<tbody>
${report.recentSignIns.map((s) => html`<tr>
  <td>${when(s.at)}</td>
  <td data-label="Outcome">${s.outcome.replaceAll('_', ' ')}</td>
  <td data-label="From">${s.clientIp}</td>
  <td data-label="Provider">${s.provider}</td>
  <td data-label="Way">${s.way}</td>
</tr>`)}
</tbody>
</table>`}
<p>The last 20, newest first. Every sign-in is also in factorgate's log (event login_finished).</p>`, session);
}
