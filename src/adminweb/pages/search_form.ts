import { html } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';

/**
 * The search box: a user name as the user types it, sent on to that user's page (steps/users.ts
 * findUser). `refused`: a name the user-name rules did not accept, given back to be corrected, the
 * field marked wrong and described by the page's message (#fg-error).
 */
export const searchForm = (refused?: string) => html`<form method="get" action="${ADMIN}/users" class="fg-form" role="search">
  <label for="fg-user">User name</label>
  <input id="fg-user" name="name" maxlength="256" required autocomplete="off"${refused === undefined ? '' : html` value="${refused}" autofocus aria-invalid="true" aria-describedby="fg-error"`}>
  <button type="submit">Show</button>
</form>`;
