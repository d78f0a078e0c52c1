import { html, type SafeHtml } from '../../http/html.js';
import { MFA_PATHS } from '../../http/paths.js';
import { MANAGE_LINK_TEXT } from '../../http/words.js';
import type { Way } from '../ways.js';

// The controls every page of a login in progress shares.

/** The flow's other ways, one button each: a later policy of the factor, run only once chosen. */
export function anotherWay(csrf: string, ways: readonly Way[] | undefined): SafeHtml[] {
  return (ways ?? []).map((way) => html`<form method="post" action="${MFA_PATHS.another}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="way" value="${String(way.policy)}">
  <button type="submit" class="fg-link">${way.label}</button>
</form>`);
}

/** "Other options": every way the user has besides the open step, behind one control, as the dialog shows them. */
export const otherOptions = (options: Array<SafeHtml | ''>): SafeHtml => html`<details class="fg-more">
<summary>Other options</summary>
${options}
</details>`;

/** Offered on every challenge: whether the user has a recovery code is not told here. */
export const recoveryLink = (): SafeHtml => html`<p><a href="${MFA_PATHS.recovery}" class="fg-link">Lost your device? Use a recovery code</a></p>`;

/** The recovery code when it is the one other way left: said plainly, not as a list of one under "Other options". */
export const recoveryOnly = (): SafeHtml => html`<p><a href="${MFA_PATHS.recovery}" class="fg-link">Lost your device? Use a recovery code from your help desk</a></p>`;

export const cancelForm = (csrf: string): SafeHtml => html`<form method="post" action="${MFA_PATHS.cancel}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`;

/** Where the user's devices are managed, in the product's words (the dialog says the same). */
export const portalLink = (portal: string): SafeHtml => html`<p><a href="${portal}" class="fg-link">${MANAGE_LINK_TEXT}</a></p>`;
