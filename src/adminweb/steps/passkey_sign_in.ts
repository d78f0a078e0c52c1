import type { Request, RequestHandler, Response } from 'express';
import { FactorgateError } from '../../errors.js';
import { ADMIN } from '../../http/paths.js';
import { body, client } from '../../http/request.js';
import type { PortalSigner } from '../../providers/webauthn/portal_sign_in.js';
import { redirectWith } from '../messages.js';
import type { AdminSession } from '../session.js';
import { field, noSessionNotice, type AdminWeb } from '../web.js';

// The second step of signing in to /admin with the administrator's own passkey instead of an
// app's code: the same passkey sign-in as /manageotp's (providers/webauthn/portal_sign_in.ts), its
// challenge kept beside the /admin session. Driven by the portal's passkey script (JSON replies);
// whether the user is an administrator is told only once the key is right, as after a code.

type SecondStep = (req: Request, res: Response, session: AdminSession) => Promise<void>;

/** The session owing its second factor, with the CSRF token of its form; anything else ends in a redirect. */
function owingSecondFactor(web: AdminWeb, step: SecondStep): RequestHandler {
  return async (req, res) => {
    const session = await web.sessions.read(req);
    if (!session) {
      const notice = noSessionNotice(web, req, res);
      return void res.json({ location: notice ? `${ADMIN}?m=${notice}` : ADMIN });
    }
    // After the session: whether passkeys are on is not told to someone not signing in.
    if (!web.deps.passkeys) throw new FactorgateError('not_found', 'webauthn is not enabled');
    if (session.stage !== 'second_factor') return void res.json({ location: ADMIN });
    if (!web.sessions.csrfMatches(session, body(req).csrf)) throw new FactorgateError('csrf', 'admin passkey form token missing or wrong', { user: session.user });
    await step(req, res, session);
  };
}

const signerOf = (web: AdminWeb, session: AdminSession, req: Request): PortalSigner => ({ user: session.user, clientIp: client(req).ip, deadline: web.sessions.deadlineOf(session) });

/** POST /admin/passkey/options: the request options for the administrator's own keys (JSON). */
export function passkeyOptions(web: AdminWeb): RequestHandler {
  return owingSecondFactor(web, async (req, res, session) => {
    if (!(req.get('accept') ?? '').includes('application/json')) return redirectWith(res, ADMIN, 'passkey_needs_js');
    const started = await web.deps.passkeys!.options(signerOf(web, session, req));
    if (!started) return void res.json({ location: `${ADMIN}?m=passkey_refused` });
    await web.sessions.holdChallenge(session, 'signIn', started.state, web.sessions.deadlineOf(session) - web.deps.clock.now());
    res.json({ options: started.options });
  });
}

/** POST /admin/passkey: the assertion. Right, an administrator is signed in under a new session id; anyone else is told they are not one. */
export function passkeySignIn(web: AdminWeb): RequestHandler {
  const { deps, sessions } = web;
  return owingSecondFactor(web, async (req, res, session) => {
    // Taken (read and deleted in one store operation) before it is checked: one challenge, one answer.
    const state = await sessions.takeChallenge(session, 'signIn') ?? {};
    const { ip } = client(req);
    const { user } = session;
    if (!(await deps.passkeys!.verify(signerOf(web, session, req), state, field(req, 'response') ?? ''))) {
      deps.logger.info({ event: 'admin_signin_failed', user, clientIp: ip, reason: 'passkey' }, 'admin sign-in refused: passkey');
      return void res.json({ location: `${ADMIN}?m=passkey_refused` });
    }
    // ASVS 3.2.1: a new session id once both factors are in.
    await sessions.end(req, res);
    if (!session.administrator) {
      deps.logger.warn({ event: 'admin_signin_refused', user, clientIp: ip, reason: 'not_administrator' }, 'both factors right, but the user is no administrator: /admin refused');
      return void res.json({ location: `${ADMIN}?m=not_administrator` });
    }
    await sessions.start(req, res, user, 'ready', { administrator: true });
    deps.logger.info({ event: 'admin_signin', user, clientIp: ip, via: 'passkey' }, 'administrator signed in with password and passkey');
    res.json({ location: ADMIN });
  });
}
