import type { FactorgateError } from '../../errors.js';
import { html } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';
import { adminLayout } from './layout.js';
import { searchForm } from './search_form.js';

// The catalog's messages (src/errors.ts) send the user to the login page; here the way back is /admin.
const HERE: Partial<Record<string, string>> = {
  csrf: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
  not_found: 'There is nothing here. To find a user, search for the name they sign in with.',
  bad_request: 'The request could not be understood. Go back and try again.',
  payload_too_large: 'What was sent is too large. Go back and try again.',
  unsupported_media_type: 'The request could not be understood. Go back and try again.',
  store_unavailable: 'The store that holds sign-ins and devices is not answering. Try again in a minute; factorgate\'s log says more (event admin_refused).',
};

/**
 * `search`: the search box below the message, for an address that names nobody (a hand-typed or
 * old /admin/users/NAME), or filled with a typed name the rules refused (`refused`), to correct it.
 */
export function errorPage(title: string, message: string, search: false | { refused?: string } = false): string {
  return adminLayout(title, html`
<h1>${title}</h1>
<p class="fg-message" role="alert" id="fg-error">${message}</p>
${search ? html`${searchForm(search.refused)}
<p><a href="${ADMIN}">Back to administration</a></p>` : html`<p><a class="fg-button" href="${ADMIN}">Back to administration</a></p>`}`);
}

export function failurePage(error: FactorgateError): string {
  const title = error.status >= 500 ? 'Not available right now' : error.status === 429 ? 'Too many attempts' : 'That did not work';
  return errorPage(title, HERE[error.code] ?? error.userMessage, error.code === 'not_found' && {});
}
