import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { loginPage } from './pages.js';
import { setSessionCookie } from './session_cookie.js';

/**
 * The ways a gateway may refuse a wrong password. `loginPage` is the contract's; each of the
 * others says no in one way only and looks like success in every other, so a proxy that reads
 * only some of the signs would take it for one:
 *   errorPage              200 with an error page, no Location, no session cookie
 *   loginPageWithCookie    302 back to the login page, setting a session cookie all the same
 *   emptyCookie            302 to the portal with the session cookie set empty
 *   expiredCookie          302 to the portal with a session cookie that has already expired
 *   errorStatusWithCookie  403 setting a session cookie, no Location
 * A session cookie set on a refusal opens nothing: its value names no session.
 */
export const REFUSALS = ['loginPage', 'errorPage', 'loginPageWithCookie', 'emptyCookie', 'expiredCookie', 'errorStatusWithCookie'] as const;
export type Refusal = (typeof REFUSALS)[number];

const LOGIN_PAGE = '/vpn/index.html';

export function refuse(res: Response, how: Refusal, cookie: string): void {
  const deadSession = () => randomBytes(32).toString('hex');
  switch (how) {
    case 'loginPage':
      return void res.redirect(302, `${LOGIN_PAGE}?error=1`);
    case 'errorPage':
      return void res.status(200).type('text/html').send(loginPage(true));
    case 'loginPageWithCookie':
      setSessionCookie(res, cookie, deadSession());
      return void res.redirect(302, `${LOGIN_PAGE}?error=1`);
    case 'emptyCookie':
      setSessionCookie(res, cookie, '');
      return void res.redirect(302, '/portal/');
    case 'expiredCookie':
      res.append('Set-Cookie', `${cookie}=${deadSession()}; Path=/; HttpOnly; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
      return void res.redirect(302, '/portal/');
    case 'errorStatusWithCookie':
      setSessionCookie(res, cookie, deadSession());
      return void res.status(403).type('text/html').send(loginPage(true));
  }
}
