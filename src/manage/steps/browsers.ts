import type { Request, RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { client } from '../../http/request.js';
import { openDeviceCredential } from '../../security/device_credential.js';
import { readCookie } from '../cookies.js';
import { BASE, type ManageDeps, type PortalBrowsers } from '../deps.js';
import { redirectWith } from '../messages.js';
import { withSession, type Portal } from '../portal.js';

// The user's remembered browsers ("Remember this browser" at sign-in), forgotten here by the user
// as /admin's help desk revokes them: the record goes, so that browser's cookie skips nothing
// from then on. Only the signed-in user's own are touched (RememberedBrowsers checks the owner).

/**
 * The id of the remembered browser this request comes from: its DeviceKey cookie's copy under
 * /manageotp, opened as the login opens it, for this user only. Undefined when there is none.
 */
export function browserInUse(deps: Pick<ManageDeps, 'keyring' | 'clock'>, browsers: PortalBrowsers, req: Request, user: string): string | undefined {
  const cookie = readCookie(req, browsers.cookieName);
  if (cookie === undefined) return undefined;
  const opened = openDeviceCredential(deps.keyring, cookie, user, deps.clock.now());
  return opened.kind === 'valid' ? opened.id : undefined;
}

function browsersOf(portal: Portal): PortalBrowsers {
  const browsers = portal.deps.browsers;
  if (!browsers) throw new FactorgateError('not_found', 'remembered browsers are not wired to the portal');
  return browsers;
}

/** No more of an id from the path than the log needs to tell browsers apart (the admin's view shows the same start). */
const idForLog = (id: string): string => (/^[0-9a-f]{8}/.test(id) ? id.slice(0, 8) : 'malformed');

/** POST /manageotp/browsers/:id/forget: one of the user's remembered browsers. */
export function forgetBrowser(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const browsers = browsersOf(portal);
    const id = typeof req.params.id === 'string' ? req.params.id : '';
    const { ip } = client(req);
    if (!(await browsers.records.revoke(session.user, id))) {
      // Another user's, malformed, expired or forgotten already: nothing changes, and the list shown next is the truth.
      deps.logger.warn({ event: 'manageotp_browser_refused', user: session.user, browser: idForLog(id), reason: 'not_found', clientIp: ip }, 'no such remembered browser of this user');
      return redirectWith(res, BASE, 'no_browser');
    }
    const here = browserInUse(deps, browsers, req, session.user) === id;
    if (here) browsers.clearCookies(res);
    deps.logger.info({ event: 'manageotp_browser_forgotten', user: session.user, browser: idForLog(id), thisBrowser: here, clientIp: ip }, 'remembered browser forgotten at the portal');
    redirectWith(res, BASE, here ? 'browser_forgotten_here' : 'browser_forgotten');
  });
}

/** POST /manageotp/browsers/forget-all: every remembered browser of the user, this one too. */
export function forgetAllBrowsers(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const browsers = browsersOf(portal);
    const forgotten = await browsers.records.revokeAll(session.user);
    if (browserInUse(deps, browsers, req, session.user) !== undefined) browsers.clearCookies(res);
    deps.logger.info({ event: 'manageotp_browsers_forgotten', user: session.user, forgotten, clientIp: client(req).ip }, 'every remembered browser forgotten at the portal');
    redirectWith(res, BASE, 'browsers_forgotten');
  });
}
