import { html, type SafeHtml } from './html.js';
import { MANAGE } from './paths.js';

// A page that tells the user to go to /manageotp gives them the link, not a path to type.

const MENTION = new RegExp(`(${MANAGE})(?![\\w/-])`);

/** The text, escaped, with each mention of /manageotp a link to it. */
export function withPortalLinks(text: string): SafeHtml {
  return html`${text.split(MENTION).map((part, i) => (i % 2 === 1 ? html`<a href="${MANAGE}">${MANAGE}</a>` : part))}`;
}
