import type { RequestHandler } from 'express';
import { portalSignOut } from '../../http/portal_session.js';
import { BASE } from '../deps.js';
import { redirectWith } from '../messages.js';
import type { Portal } from '../portal.js';

/** POST /manageotp/signout, from either stage: the record is deleted, the cookie cleared. */
export function signOut(portal: Portal): RequestHandler {
  return portalSignOut(portal.sessions, { name: 'manageotp', logger: portal.deps.logger, done: (res) => redirectWith(res, BASE, 'signed_out') });
}
