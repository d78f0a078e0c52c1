import type { FactorgateError } from '../../errors.js';
import { html } from '../../http/html.js';
import { withPortalLinks } from '../../http/portal_link.js';
import { errorWords } from '../../http/words.js';
import { BASE } from '../deps.js';
import { layout } from './layout.js';

// The catalog's messages (src/errors.ts) send the user to the login page; here the way back is
// the portal's own: the user's devices when signed in, else its sign-in (both at /manageotp).
const HERE: Partial<Record<string, string>> = {
  csrf: 'This form has expired or did not come from this site. Go back and try again.',
  not_found: 'There is nothing here.',
  bad_request: 'The request could not be understood. Go back and try again.',
  payload_too_large: 'What was sent is too large. Go back and try again.',
  unsupported_media_type: 'The request could not be understood. Go back and try again.',
  store_unavailable: 'Managing devices is not available for a moment. Try again in a minute; if it keeps happening, tell your help desk.',
};

export function errorPage(error: FactorgateError, signedIn: boolean): string {
  const title = error.status >= 500 ? 'Not available right now' : error.status === 429 ? 'Too many attempts' : 'That did not work';
  return layout(title, html`
<h1>${title}</h1>
<p class="fg-message" role="alert">${withPortalLinks(HERE[error.code] ?? errorWords(error))}</p>
<p><a class="fg-button" href="${BASE}">${signedIn ? 'Back to your devices' : 'Back to sign-in'}</a></p>`);
}
