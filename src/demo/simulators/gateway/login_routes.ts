import { formOf } from '../http_server.js';
import express, { type Request, type Response, type Router } from 'express';
import type { LoginLog } from './login_log.js';
import type { ResolvedGatewayOptions } from './options.js';
import { loginPage } from './pages.js';
import { sameSecret, type PasswordCheck } from './passwords.js';
import { refuse } from './refusals.js';
import { sessionCookieOf, setSessionCookie, clearSessionCookie } from './session_cookie.js';
import type { Sessions } from './sessions.js';

export type LoginDeps = { options: ResolvedGatewayOptions; passwords: PasswordCheck; sessions: Sessions; logins: LoginLog };

const LOGIN_PAGE = '/vpn/index.html';

/**
 * The gateway's side of docs/design.md, "The gateway":
 *   GET  /vpn/index.html   the login page (?error=1 shows the error message)
 *   POST /cgi/login        good: 302 to /portal/ with the session cookie; bad: 302 back with ?error=1
 *                          (or as refuseAs says); 403 when requireHeader is set and the post lacks it
 *   GET|POST /cgi/logout   ends the session, clears the cookie, 302 to the login page
 */
export function loginRoutes(deps: LoginDeps): Router {
  const router = express.Router();
  router.get(LOGIN_PAGE, (req, res) => {
    res.set('Cache-Control', 'no-store');
    res.type('text/html').send(loginPage(req.query.error === '1'));
  });
  router.post('/cgi/login', express.urlencoded({ extended: false, limit: '8kb' }), (req, res) => login(deps, req, res));
  const logout = (req: Request, res: Response) => {
    deps.sessions.end(sessionCookieOf(req, deps.options.sessionCookie));
    clearSessionCookie(res, deps.options.sessionCookie);
    res.redirect(302, LOGIN_PAGE);
  };
  router.get('/cgi/logout', logout);
  router.post('/cgi/logout', logout);
  return router;
}

/** The login handler itself; lenientPaths mode serves it on more paths (lenient_paths.ts). */
export function login({ options, passwords, sessions, logins }: LoginDeps, req: Request, res: Response): void {
  const body = formOf(req);
  // A repeated field arrives as an array: anything but one string is no credential at all.
  const login = typeof body.login === 'string' ? body.login.slice(0, 256) : '';
  const passwd = typeof body.passwd === 'string' ? body.passwd : '';
  const record = (outcome: 'accepted' | 'rejected' | 'forbidden') =>
    logins.add({ at: new Date().toISOString(), login, outcome, target: req.originalUrl, headers: { ...req.headers } });

  const rule = options.requireHeader;
  if (rule) {
    const given = req.headers[rule.name.toLowerCase()];
    if (typeof given !== 'string' || !sameSecret(given, rule.value)) {
      record('forbidden');
      return void res.status(403).type('text/plain').send('Logins are accepted only through the authentication proxy.\n');
    }
  }
  if (login === '' || !passwords.matches(login, passwd)) {
    record('rejected');
    return refuse(res, options.refuseAs, options.sessionCookie);
  }
  record('accepted');
  setSessionCookie(res, options.sessionCookie, sessions.open(login));
  res.redirect(302, '/portal/');
}
