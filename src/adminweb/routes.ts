import { Router, type NextFunction, type Request, type Response } from 'express';
import { asFactorgateError, FactorgateError } from '../errors.js';
import { ownPageHeaders } from '../http/page_headers.js';
import { ADMIN } from '../http/paths.js';
import type { AdminWebDeps } from './deps.js';
import { failurePage } from './pages/error_page.js';
import { endOneLogin, showLogins } from './steps/logins.js';
import { passkeyOptions, passkeySignIn } from './steps/passkey_sign_in.js';
import { checkSignInCode, showHome, signIn, signOut } from './steps/sign_in.js';
import { confirmAction, doAction, findUser, showUserPage } from './steps/users.js';
import { makeAdminWeb, signedIn } from './web.js';

export type { AdminWebDeps } from './deps.js';

/**
 * /admin, the administrator's web view (docs/admin.md): sign in with password and a code from
 * one's own app (or one's own passkey); find a user and see and change their devices, remembered browsers, lock and
 * recovery code; see and end the sign-ins waiting now. Plain forms, no script. Mount at the root.
 */
export function adminRoutes(deps: AdminWebDeps, limits: { wrongAnswersPerUser: number; loginStartsPerUser: number }): Router {
  const web = makeAdminWeb(deps);
  const router = Router({ caseSensitive: true, strict: false });
  router.use(ADMIN, ...ownPageHeaders(deps.cookies.secure));

  router.get(ADMIN, showHome(web));
  router.post(`${ADMIN}/signin`, signIn(web));
  router.post(`${ADMIN}/code`, checkSignInCode(web));
  router.post(`${ADMIN}/passkey/options`, passkeyOptions(web));
  router.post(`${ADMIN}/passkey`, passkeySignIn(web));
  router.post(`${ADMIN}/signout`, signOut(web));
  router.get(`${ADMIN}/users`, findUser(web));
  router.get(`${ADMIN}/users/:name`, showUserPage(web, limits));
  router.get(`${ADMIN}/users/:name/confirm/:action{/:id}`, confirmAction(web));
  router.post(`${ADMIN}/users/:name/do/:action{/:id}`, doAction(web));
  router.get(`${ADMIN}/logins`, showLogins(web));
  router.post(`${ADMIN}/logins/:ref/end`, endOneLogin(web));

  // An address /admin does not have: "nothing here" and the search for a signed-in administrator;
  // anyone else is sent to sign in, as on any other /admin page (a search would only lead there).
  router.use(ADMIN, signedIn(web, async () => { throw new FactorgateError('not_found', 'no such admin route'); }));
  router.use(ADMIN, (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // One log line with the detail, a page with what to do next.
    const error = asFactorgateError(err);
    deps.logger[error.status >= 500 ? 'error' : 'warn']({ event: 'admin_refused', code: error.code, detail: error.detail, ...error.extra, method: req.method, path: req.path.slice(0, 256), clientIp: req.ip }, error.detail);
    if (res.headersSent) return void res.destroy();
    res.status(error.status).type('html').send(failurePage(error));
  });
  return router;
}
