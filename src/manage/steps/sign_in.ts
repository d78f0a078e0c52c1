import type { RequestHandler } from 'express';
import { FactorgateError } from '../../errors.js';
import { readCredentials } from '../../identity/read_credentials.js';
import { body, client } from '../../http/request.js';
import { FORM_COOKIE, readCookie } from '../cookies.js';
import { BASE } from '../deps.js';
import { signInTokenMatches } from '../form_token.js';
import { MESSAGES, redirectWith, userNameMessage } from '../messages.js';
import { sendSignInPage } from './show_home.js';
import type { Portal } from '../portal.js';

/**
 * POST /manageotp/signin: the password. A user with an active device owes a code next (a stolen
 * password alone must add no device); a user with none is signed in, as a first device needs.
 * The user is known by their key (src/identity/user_names.ts), as at login: a spelling that would
 * give the same person a second set of devices is refused, never filed apart.
 */
export function signIn(portal: Portal): RequestHandler {
  const { deps, sessions } = portal;
  return async (req, res) => {
    const form = body(req);
    if (!signInTokenMatches(deps.keyring, readCookie(req, FORM_COOKIE), form.csrf)) {
      throw new FactorgateError('csrf', 'portal sign-in form token missing or wrong');
    }
    const { username, password } = readCredentials(form, { username: 'username', password: 'password' }, deps.login);
    const who = client(req);
    let typed;
    try {
      typed = deps.userNames.fromTyped(username);
    } catch (err) {
      const message = userNameMessage(err);
      if (!message) throw err;
      deps.logger.info({ event: 'manageotp_signin_failed', clientIp: who.ip, reason: message }, 'portal sign-in refused: the user name is not in a form this site accepts');
      return sendSignInPage(portal, req, res, MESSAGES[message], username);
    }
    await deps.limits.admitStart(typed.key, who.ip);
    // ASVS 3.2.1: whatever this browser held before ends here; a new session id follows.
    await sessions.end(req, res);
    const checked = await deps.limits.guess(typed.key, () => deps.verifyPassword(typed, password, who), (u) => u === undefined);
    if (!checked) {
      // The same answer for an unknown user as for a wrong password: the check says only "no".
      // The form comes back at once (no redirect) so the name typed stays and only the password is typed again.
      deps.logger.info({ event: 'manageotp_signin_failed', user: typed.key, clientIp: who.ip, reason: 'password' }, 'portal sign-in refused: password');
      return sendSignInPage(portal, req, res, MESSAGES.signin_failed, username);
    }
    const user = checked.key;
    // The directory may know the user by another name: that one's lock holds too.
    if (user !== typed.key) await deps.limits.refuseIfLocked(user);
    // A passkey is a second factor too: its holder is not signed in by the password alone. (The
    // portal asks for an app's code; a user with passkeys only cannot sign in here yet.)
    const hasDevice = (await deps.store.list(user)).some((d) => d.active) || (await deps.store.passkeys?.listPasskeys(user) ?? []).length > 0;
    await sessions.start(req, res, user, hasDevice ? 'second_factor' : 'ready');
    if (hasDevice) {
      deps.logger.info({ event: 'manageotp_password_ok', user, clientIp: who.ip }, 'portal password right; a code from a device is owed');
      return redirectWith(res, BASE);
    }
    deps.logger.info({ event: 'manageotp_signin', user, clientIp: who.ip, secondFactor: false }, 'portal sign-in of a user with no device yet');
    redirectWith(res, BASE, 'signed_in');
  };
}
