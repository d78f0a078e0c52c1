import { html, type SafeHtml } from './html.js';

// Pieces of the forms and pages of factorgate's own portals (/manageotp, /admin).

/** The session's CSRF token, in a hidden field of every form that posts. */
export const csrfField = (token: string): SafeHtml => html`<input type="hidden" name="csrf" value="${token}">`;

/** Epoch ms as a UTC date and time: the server's clock, shown the same to every user. */
export function when(ms: number | undefined): SafeHtml {
  if (ms === undefined) return html`never`;
  const iso = new Date(ms).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 16).replace('T', ' ')} UTC</time>`;
}
