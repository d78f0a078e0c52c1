import { waitingInWords, type LiveLogin, type WaitingLogins } from '../../admin/actions.js';
import { csrfField, messageBox } from '../../http/form_parts.js';
import { html, type SafeHtml } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';
import type { Message } from '../messages.js';
import type { Paged } from '../paging.js';
import type { AdminSession } from '../session.js';
import { userPath } from '../web.js';
import { adminLayout } from './layout.js';
import { searchForm } from './search_form.js';

/** A page of the sign-ins waiting, with what it takes to say how much is not shown: how many wait, how many were read. */
export type LoginsListing = Omit<WaitingLogins, 'logins'> & {
  paged: Paged<LiveLogin>;
  /** The page's own address, to which ?page=N is added. */
  base: string;
};

/** The live view: a page of the sign-ins waiting now, and the last hour's outcomes. */
export function loginsPage(session: AdminSession, listing: LoginsListing, outcomes: Array<{ outcome: string; count: number }>, message?: Message): string {
  const many = listing.paged.pages > 1 || listing.read < listing.waiting;
  return adminLayout('Sign-ins now: factorgate administration', html`
<h1>Sign-ins waiting now</h1>
${messageBox(message)}
${shownLine(listing.paged)}
${listing.read < listing.waiting ? html`<p>${waitingText(listing.waiting)} sign-ins are waiting, too many to read at once: these are the newest of the ${count(listing.read)} the store gave first.</p>` : ''}
${many ? html`<p>To see one user's sign-ins, search for them.</p>
${searchForm()}` : ''}
${shownTable(session, listing.paged)}
${pager(listing)}
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

/** A user's sign-ins waiting, on their page: a page of them, and a warning when not every sign-in waiting was read. */
export function userLoginsSection(session: AdminSession, listing: LoginsListing): SafeHtml {
  return html`${shownLine(listing.paged)}
${listing.read < listing.waiting ? html`<p>Only ${count(listing.read)} of the ${waitingText(listing.waiting)} sign-ins waiting were read: this user may have more waiting than are listed here.</p>` : ''}
${shownTable(session, listing.paged)}
${pager(listing, '#waiting')}`;
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

const count = (n: number): string => n.toLocaleString('en-US');

/** "None.", or which of the sign-ins waiting this page shows. */
const shownLine = (paged: Paged<LiveLogin>): SafeHtml => (paged.total === 0 ? html`<p>None.</p>` : html`<p>${shownText(paged)}</p>`);

/** The page's table, when there is anything to show. */
const shownTable = (session: AdminSession, paged: Paged<LiveLogin>): SafeHtml | string => (paged.total === 0 ? '' : loginsTable(session, paged.shown));

/** "Showing 51–100 of 734, newest first.", or "12 waiting, newest first." when one page holds them. */
function shownText(paged: Paged<LiveLogin>): string {
  if (paged.pages === 1) return `${count(paged.total)} waiting, newest first.`;
  return `Showing ${count(paged.first)}–${count(paged.first + paged.shown.length - 1)} of ${count(paged.total)}, newest first.`;
}

/** How many wait, as counted (the count stops at MAX_LOGINS_COUNTED). */
const waitingText = (waiting: number): string => waitingInWords(waiting, count);

/** The links to the newer and older pages, when there is more than one. `anchor`: where on the page the list is. */
function pager(listing: LoginsListing, anchor = ''): SafeHtml | string {
  const { page, pages } = listing.paged;
  if (pages <= 1) return '';
  const link = (to: number) => `${listing.base}?page=${to}${anchor}`;
  return html`<nav aria-label="Pages of sign-ins waiting"><p>
${page > 1 ? html`<a href="${link(page - 1)}" rel="prev">Newer</a> · ` : ''}Page ${page} of ${pages}${page < pages ? html` · <a href="${link(page + 1)}" rel="next">Older</a>` : ''}
</p></nav>`;
}
