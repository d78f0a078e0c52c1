import type { Request, RequestHandler, Response } from 'express';
import { FORM_COOKIE, readCookie } from '../cookies.js';
import { issueSignInToken, signInTokenMatches } from '../form_token.js';
import { messageOf, type Message } from '../messages.js';
import { signInCodePage, signInPage } from '../pages/sign_in_pages.js';
import { portalPage } from '../pages/portal_page.js';
import { browserInUse } from './browsers.js';
import type { Portal } from '../portal.js';
import type { WebauthnConfig } from '../../providers/webauthn/config.js';

/** GET /manageotp: the sign-in form, the code step, or the user's devices, keys and remembered browsers, by where the session stands. */
export function showHome(portal: Portal): RequestHandler {
  const { deps } = portal;
  return async (req, res) => {
    const session = await portal.sessions.read(req);
    const message = messageOf(req);
    if (!session) return sendSignInPage(portal, req, res, message);
    if (session.stage === 'second_factor') {
      const passkey = deps.webauthn !== undefined && (await deps.webauthn.store.listPasskeys(session.user)).length > 0;
      return void res.type('html').send(signInCodePage(session, message, passkey));
    }
    const devices = await deps.store.list(session.user);
    const passkeys = deps.webauthn && { passkeys: await deps.webauthn.store.listPasskeys(session.user), max: deps.webauthn.config.maxCredentials, accepted: acceptedKeys(deps.webauthn.config) };
    const browsers = deps.browsers && { browsers: await deps.browsers.records.list(session.user), inUse: browserInUse(deps, deps.browsers, req, session.user) };
    res.type('html').send(portalPage(session, devices, deps.maxDevices, message, passkeys, browsers));
  };
}

/** The sign-in form, with the name typed before when it was refused (never the password). */
export function sendSignInPage(portal: Portal, req: Request, res: Response, message?: Message, username?: string): void {
  // A token this browser already holds is kept, so a second open tab's form still posts.
  const held = readCookie(req, FORM_COOKIE);
  const token = held && signInTokenMatches(portal.deps.keyring, held, held) ? held : issueSignInToken(portal.deps.keyring);
  portal.cookies.setFormToken(res, token);
  res.type('html').send(signInPage(token, message, username));
}

/** What users are told is accepted when only some models may be registered; undefined when any may. */
function acceptedKeys(config: Pick<WebauthnConfig, 'allowedAaguids' | 'allowedKeysText'>): string | undefined {
  if (config.allowedAaguids.length === 0) return undefined;
  return config.allowedKeysText ?? `only the models your organisation listed (AAGUID ${config.allowedAaguids.join(', ')})`;
}
