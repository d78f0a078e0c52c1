import { html, type SafeHtml } from '../../http/html.js';
import { MFA_PATHS } from '../../http/paths.js';
import { MANAGE_LINK_TEXT } from '../../http/words.js';

// The controls every page of a login in progress shares.

/** "Use another way to sign in": shown when a later policy of the factor applies. */
export function anotherWay(csrf: string, another: boolean | undefined): SafeHtml | '' {
  return another ? html`<form method="post" action="${MFA_PATHS.another}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Use another way to sign in</button>
</form>` : '';
}

/** Offered on every challenge: whether the user has a recovery code is not told here. */
export const recoveryLink = (): SafeHtml => html`<p><a href="${MFA_PATHS.recovery}" class="fg-link">Lost your device? Use a recovery code</a></p>`;

export const cancelForm = (csrf: string): SafeHtml => html`<form method="post" action="${MFA_PATHS.cancel}" class="fg-inline">
  <input type="hidden" name="csrf" value="${csrf}">
  <button type="submit" class="fg-link">Cancel</button>
</form>`;

/** Where the user's devices are managed, in the product's words (the dialog says the same). */
export const portalLink = (portal: string): SafeHtml => html`<p><a href="${portal}" class="fg-link">${MANAGE_LINK_TEXT}</a></p>`;
