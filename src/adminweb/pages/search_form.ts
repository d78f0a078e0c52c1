import { html } from '../../http/html.js';
import { ADMIN } from '../../http/paths.js';

/** The search box: a user name as the user types it, sent on to that user's page (steps/users.ts findUser). */
export const searchForm = () => html`<form method="get" action="${ADMIN}/users" class="fg-form" role="search">
  <label for="fg-user">User name</label>
  <input id="fg-user" name="name" maxlength="256" required autocomplete="off">
  <button type="submit">Show</button>
</form>`;
