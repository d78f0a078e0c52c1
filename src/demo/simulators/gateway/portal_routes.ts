import express, { type Router } from 'express';
import { portalPage } from './pages.js';
import { sessionCookieOf } from './session_cookie.js';
import type { Sessions } from './sessions.js';

/** GET /portal/: the page behind the login; without a live session, back to the login page. */
export function portalRoutes(sessions: Sessions, cookieName: string): Router {
  const router = express.Router();
  router.get('/portal/', (req, res) => {
    const user = sessions.userOf(sessionCookieOf(req, cookieName));
    res.set('Cache-Control', 'no-store');
    if (!user) return void res.redirect(302, '/vpn/index.html');
    res.type('text/html').send(portalPage(user));
  });
  return router;
}
