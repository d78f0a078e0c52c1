import type { Request, RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { client } from '../../http/request.js';
import { PasskeyPortalSignIn, type PortalSigner } from '../../providers/webauthn/portal_sign_in.js';
import { BASE } from '../deps.js';
import { redirectWith } from '../messages.js';
import { field, withSession, type Portal } from '../portal.js';
import type { PortalSession } from '../session.js';

// The portal's second step with a passkey instead of an app's code (providers/webauthn/portal_sign_in.ts,
// shared with /admin), its challenge kept beside the portal session, which it cannot outlive.

const signerOf = (session: PortalSession, req: Request): PortalSigner => ({ user: session.user, clientIp: client(req).ip, deadline: session.expiresAt });

const signInOf = (portal: Portal): PasskeyPortalSignIn | undefined => portal.deps.webauthn && new PasskeyPortalSignIn(portal.deps.webauthn.provider, portal.deps.limits);

/** POST /manageotp/passkey-signin/options: the request options for this user's keys (JSON). */
export function passkeySignInOptions(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  const signIn = signInOf(portal);
  return withSession(portal, 'second_factor', async (req, res, session) => {
    if (!signIn) throw new FactorgateError('not_found', 'webauthn is not enabled');
    if (!(req.get('accept') ?? '').includes('application/json')) return redirectWith(res, BASE, 'passkey_needs_js');
    const started = await signIn.options(signerOf(session, req));
    if (!started) return void res.json({ location: `${BASE}?m=passkey_signin_refused` });
    await sessions.holdChallenge(session, 'signIn', started.state, session.expiresAt - deps.clock.now());
    res.json({ options: started.options });
  });
}

/** POST /manageotp/passkey-signin: the assertion; right, the session is signed in under a new id. */
export function passkeySignIn(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  const signIn = signInOf(portal);
  return withSession(portal, 'second_factor', async (req, res, session) => {
    if (!signIn) throw new FactorgateError('not_found', 'webauthn is not enabled');
    // Taken (read and deleted in one store operation) before it is checked: one challenge, one answer.
    const state = await sessions.takeChallenge(session, 'signIn') ?? {};
    const { ip } = client(req);
    if (await signIn.verify(signerOf(session, req), state, field(req, 'response') ?? '')) {
      // ASVS 3.2.1: a new session id once both factors are in.
      await sessions.end(req, res);
      await sessions.start(req, res, session.user, 'ready');
      deps.logger.info({ event: 'manageotp_signin', user: session.user, clientIp: ip, secondFactor: true, via: 'passkey' }, 'portal sign-in with password and passkey');
      return void res.json({ location: `${BASE}?m=signed_in` });
    }
    deps.logger.info({ event: 'manageotp_signin_failed', user: session.user, clientIp: ip, reason: 'passkey' }, 'portal sign-in refused: passkey');
    res.json({ location: `${BASE}?m=passkey_signin_refused` });
  });
}
