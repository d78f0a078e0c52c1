import { html, type SafeHtml } from './html.js';

// An authenticator app's setup key, for typing by hand: in groups of four, as the apps show it.
// Each group is one unbreakable word, so a narrow screen wraps the key only between groups.

/** The groups of four of the secret of an otpauth:// URI. */
export function setupKeyGroups(uri: string): string[] {
  return (new URL(uri).searchParams.get('secret') ?? '').match(/.{1,4}/g) ?? [];
}

/** The key as plain text, groups separated by spaces (the dialog's JSON carries this). */
export const setupKey = (uri: string): string => setupKeyGroups(uri).join(' ');

/** The key as markup: a code element whose groups never break inside. */
export const setupKeyHtml = (uri: string, id?: string): SafeHtml =>
  html`<code class="fg-key"${id ? html` id="${id}"` : ''}>${setupKeyGroups(uri).map((group, i) => html`${i > 0 ? ' ' : ''}<span>${group}</span>`)}</code>`;
