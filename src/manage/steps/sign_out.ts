import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { body, client } from '../../http/request.js';
import { BASE } from '../deps.js';
import { redirectWith } from '../messages.js';
import type { Portal } from '../portal.js';

/** POST /manageotp/signout, from either stage: the record is deleted, the cookie cleared. */
export function signOut(portal: Portal): RequestHandler {
  const { sessions, deps } = portal;
  return async (req, res) => {
    const session = await sessions.read(req);
    if (session && !sessions.csrfMatches(session, body(req).csrf)) {
      throw new FactorgateError('csrf', 'portal sign-out without the session\'s token', { user: session.user });
    }
    await sessions.end(req, res);
    if (session) deps.logger.info({ event: 'manageotp_signout', user: session.user, clientIp: client(req).ip }, 'portal session ended by the user');
    redirectWith(res, BASE, 'signed_out');
  };
}
