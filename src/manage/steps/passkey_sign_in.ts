import type { Request, RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { client } from '../../http/request.js';
import type { LoginContext } from '../../providers/provider.js';
import { BASE } from '../deps.js';
import { redirectWith } from '../messages.js';
import { field, withSession, type Portal } from '../portal.js';
import type { PortalSession } from '../session.js';

// The portal's second step with a passkey instead of an app's code: the same WebAuthn provider
// as the login (the user's credentials only, single-use challenge, counter), its state kept beside
// the portal session, which it cannot outlive.

function contextOf(session: PortalSession, req: Request): LoginContext {
  return {
    username: session.user, clientIp: client(req).ip, deadline: session.expiresAt, passwordChecked: true,
    password: () => { throw new FactorgateError('internal', 'the portal keeps no password'); },
    tokenPin: () => undefined,
  };
}

/** POST /manageotp/passkey-signin/options: the request options for this user's keys (JSON). */
export function passkeySignInOptions(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'second_factor', async (req, res, session) => {
    if (!deps.webauthn) throw new FactorgateError('not_found', 'webauthn is not enabled');
    if (!(req.get('accept') ?? '').includes('application/json')) return redirectWith(res, BASE, 'passkey_needs_js');
    const started = await deps.webauthn.provider.start(contextOf(session, req));
    if (started.outcome !== 'challenge' || started.challenge.kind !== 'webauthn') return void res.json({ location: `${BASE}?m=passkey_signin_refused` });
    await sessions.holdChallenge(session, 'signIn', started.state, session.expiresAt - deps.clock.now());
    res.json({ options: started.challenge.options });
  });
}

/** POST /manageotp/passkey-signin: the assertion; right, the session is signed in under a new id. */
export function passkeySignIn(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'second_factor', async (req, res, session) => {
    if (!deps.webauthn) throw new FactorgateError('not_found', 'webauthn is not enabled');
    // Taken (read and deleted in one store operation) before it is checked: one challenge, one answer.
    const state = await sessions.takeChallenge(session, 'signIn') ?? {};
    const { ip } = client(req);
    const provider = deps.webauthn.provider;
    const outcome = await deps.limits.guess(session.user, () => provider.verify(contextOf(session, req), state, field(req, 'response') ?? ''), (o) => o.outcome === 'fail');
    if (outcome.outcome === 'success') {
      // ASVS 3.2.1: a new session id once both factors are in.
      await sessions.end(req, res);
      await sessions.start(req, res, session.user, 'ready');
      deps.logger.info({ event: 'manageotp_signin', user: session.user, clientIp: ip, secondFactor: true, via: 'passkey' }, 'portal sign-in with password and passkey');
      return void res.json({ location: `${BASE}?m=signed_in` });
    }
    deps.logger.info({ event: 'manageotp_signin_failed', user: session.user, clientIp: ip, reason: 'passkey' }, 'portal sign-in refused: passkey');
    await deps.limits.countClient(ip);
    res.json({ location: `${BASE}?m=passkey_signin_refused` });
  });
}
