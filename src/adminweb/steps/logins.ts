import type { RequestHandler } from 'express';
import { endLogin, waitingLogins } from '../../admin/actions.js';
import { ADMIN } from '../../http/paths.js';
import { messageOf, redirectWith } from '../messages.js';
import { loginsPage } from '../pages/logins_page.js';
import { pageOf, paged } from '../paging.js';
import { actionsOf, param, signedIn, type AdminWeb } from '../web.js';

// The live view: the sign-ins waiting now, a page of 50 at a time, each with "End this sign-in",
// and the last hour's outcomes.

/** A login's reference for the administrator (src/admin/actions.ts refOf): 16 hex digits. */
const REF = /^[0-9a-f]{16}$/;

/** GET /admin/logins */
export function showLogins(web: AdminWeb): RequestHandler {
  return signedIn(web, async (req, res, session) => {
    const page = pageOf(req);
    const [{ logins, ...read }, outcomes] = await Promise.all([waitingLogins(actionsOf(web, req, session)), web.deps.outcomes.lastHour()]);
    res.type('html').send(loginsPage(session, { ...read, paged: paged(logins, page), base: `${ADMIN}/logins` }, outcomes, messageOf(req)));
  });
}

/** POST /admin/logins/:ref/end */
export function endOneLogin(web: AdminWeb): RequestHandler {
  return signedIn(web, async (req, res, session) => {
    const { ended } = await endLogin(actionsOf(web, req, session), param(req, 'ref', REF));
    redirectWith(res, `${ADMIN}/logins`, ended ? 'login_ended' : 'login_not_found');
  });
}
