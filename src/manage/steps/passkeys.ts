import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { client } from '../../http/request.js';
import { checkDeviceName } from '../../otp/device_store.js';
import { finishRegistration, registrationOptions, REGISTRATION_MS, type RegistrationDeps } from '../../providers/webauthn/registration.js';
import { BASE } from '../deps.js';
import { redirectWith, type MessageCode } from '../messages.js';
import { removePasskeyPage } from '../pages/device_pages.js';
import { deviceIdOf, field, withSession, type Portal } from '../portal.js';

// Passkeys and security keys at /manageotp: added (a script drives navigator.credentials.create),
// renamed and removed. Only a session at the ready stage gets here: the second factor the
// portal asks for is the same as for adding an authenticator app.

const wantsJson = (accept: string | undefined) => (accept ?? '').includes('application/json');

function webauthnOf(portal: Portal): RegistrationDeps {
  const webauthn = portal.deps.webauthn;
  if (!webauthn) throw new FactorgateError('not_found', 'webauthn is not enabled');
  return webauthn;
}

/** POST /manageotp/passkeys/options: the named key's creation options (JSON); the challenge is kept beside the session. */
export function passkeyOptions(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const webauthn = webauthnOf(portal);
    if (!wantsJson(req.get('accept'))) return redirectWith(res, BASE, 'passkey_needs_js');
    let name: string;
    try {
      name = checkDeviceName(field(req, 'name'));
    } catch {
      return void res.status(400).json({ error: 'name_invalid' });
    }
    if ((await webauthn.store.listPasskeys(session.user)).length >= webauthn.config.maxCredentials) return void res.status(409).json({ error: 'passkey_too_many' });
    const options = await registrationOptions(webauthn, session.user);
    await sessions.holdChallenge(session, 'registration', { challenge: options.challenge, name, expiresAt: deps.clock.now() + REGISTRATION_MS }, REGISTRATION_MS);
    res.json({ options });
  });
}

/** POST /manageotp/passkeys: the browser's registration response; answers with where to go next (JSON). */
export function addPasskey(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const webauthn = webauthnOf(portal);
    // Taken (read and deleted in one store operation) before it is checked: one challenge, one answer.
    const pending = await sessions.takeChallenge(session, 'registration');
    const { ip } = client(req);
    const done = (code: MessageCode): void => void res.json({ location: `${BASE}?m=${code}` });
    if (!pending || pending.expiresAt <= deps.clock.now()) {
      deps.logger.info({ event: 'manageotp_passkey_refused', user: session.user, clientIp: ip, reason: 'no_challenge' }, 'passkey registration without an open challenge');
      return done('passkey_refused');
    }
    const result = await finishRegistration(webauthn, session.user, pending.name, pending.challenge, field(req, 'response') ?? '');
    if (result.outcome === 'added') {
      deps.logger.info({ event: 'manageotp_passkey_added', user: session.user, clientIp: ip, passkeyId: result.passkey.id, aaguid: result.passkey.aaguid }, 'passkey registered at the portal');
      return done('passkey_added');
    }
    deps.logger.warn({ event: 'manageotp_passkey_refused', user: session.user, clientIp: ip, reason: result.reason, detail: result.detail }, 'passkey registration refused');
    done(({ invalid: 'passkey_refused', model_not_allowed: 'passkey_model', already_registered: 'passkey_already', too_many: 'passkey_too_many' } as const)[result.reason]);
  });
}

/** POST /manageotp/passkeys/:id/rename. */
export function renamePasskey(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const webauthn = webauthnOf(portal);
    const id = deviceIdOf(req);
    let name: string;
    try {
      name = checkDeviceName(field(req, 'name'));
    } catch {
      return redirectWith(res, BASE, 'name_invalid');
    }
    if (!(await webauthn.store.renamePasskey(session.user, id, name))) return redirectWith(res, BASE, 'no_passkey');
    deps.logger.info({ event: 'manageotp_passkey_renamed', user: session.user, passkeyId: id, clientIp: client(req).ip }, 'passkey renamed at the portal');
    redirectWith(res, BASE, 'passkey_renamed');
  });
}

/** GET /manageotp/passkeys/:id/remove: are you sure? */
export function showRemovePasskey(portal: Portal): RequestHandler {
  return withSession(portal, 'ready', async (req, res, session) => {
    const passkey = await webauthnOf(portal).store.getPasskey(session.user, deviceIdOf(req));
    if (!passkey) return redirectWith(res, BASE, 'no_passkey');
    res.type('html').send(removePasskeyPage(session, passkey));
  });
}

/** POST /manageotp/passkeys/:id/remove (from its confirmation page): from then on the key signs nobody in. */
export function removePasskey(portal: Portal): RequestHandler {
  const { deps } = portal;
  return withSession(portal, 'ready', async (req, res, session) => {
    const webauthn = webauthnOf(portal);
    const id = deviceIdOf(req);
    if (!(await webauthn.store.removePasskey(session.user, id))) return redirectWith(res, BASE, 'no_passkey');
    deps.logger.info({ event: 'manageotp_passkey_removed', user: session.user, passkeyId: id, clientIp: client(req).ip }, 'passkey removed at the portal');
    redirectWith(res, BASE, 'passkey_removed');
  });
}
