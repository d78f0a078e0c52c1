import type { Request, RequestHandler, Response } from 'express';
import { FactorgateError } from '../../errors.js';
import { ADMIN, ADMIN_COOKIES } from '../../http/paths.js';
import { portalSignOut } from '../../http/portal_session.js';
import { body, client, readCookie } from '../../http/request.js';
import { readCredentials } from '../../identity/read_credentials.js';
import { checkCode, wrongCode } from '../../otp/check_code.js';
import { doubleSubmitToken } from '../../security/csrf.js';
import { readTypedCode } from '../../typed_code.js';
import { messageOf, MESSAGES, redirectWith, type Message } from '../messages.js';
import { homePage } from '../pages/home_page.js';
import { codePage, noAppPage, notAdministratorPage, signInPage } from '../pages/sign_in_pages.js';
import { toSignIn, type AdminWeb } from '../web.js';

// Signing in to /admin: the password, then a code from the administrator's own authenticator app
// or, where webauthn is enabled, their own passkey (steps/passkey_sign_in.ts). Nothing else stands
// in for the second factor: /admin reads no remembered-browser cookie and
// takes no recovery code. Whether the user is an administrator is told only once both are right.

// The sign-in form's CSRF token, before there is a session to hold one (signed double-submit).
const signInForm = doubleSubmitToken('admin-form-csrf');

/** GET /admin: the sign-in form, the code step, or home, by where the session stands. */
export function showHome(web: AdminWeb): RequestHandler {
  return async (req, res) => {
    const session = await web.sessions.read(req);
    const message = messageOf(req);
    if (!session) return sendSignInPage(web, req, res, message);
    if (session.stage === 'second_factor') return void res.type('html').send(codePage(session, message, await hasPasskey(web, session.user)));
    const recent = web.deps.recentActions;
    res.type('html').send(homePage(session, await recent.list(), recent.source, message));
  };
}

function sendSignInPage(web: AdminWeb, req: Request, res: Response, message?: Message, username?: string): void {
  // A token this browser already holds is kept, so a second open tab's form still posts.
  const held = readCookie(req, ADMIN_COOKIES.form);
  const token = held && signInForm.matches(web.deps.keyring, held, held) ? held : signInForm.issue(web.deps.keyring);
  res.cookie(ADMIN_COOKIES.form, token, web.sessions.cookieOptions(3_600_000));
  res.type('html').send(signInPage(token, message, username));
}

/** POST /admin/signin: the password. Right, a code is owed next; there is no way in without one. */
export function signIn(web: AdminWeb): RequestHandler {
  const { deps, sessions } = web;
  return async (req, res) => {
    const form = body(req);
    if (!signInForm.matches(deps.keyring, readCookie(req, ADMIN_COOKIES.form), form.csrf)) {
      throw new FactorgateError('csrf', 'admin sign-in form token missing or wrong');
    }
    const { username, password } = readCredentials(form, { username: 'username', password: 'password' }, deps.login);
    const who = client(req);
    let typed;
    try {
      typed = deps.userNames.fromTyped(username);
    } catch {
      deps.logger.info({ event: 'admin_signin_failed', clientIp: who.ip, reason: 'user_name' }, 'admin sign-in refused: the user name is not in a form this site accepts');
      return sendSignInPage(web, req, res, MESSAGES.signin_failed, username);
    }
    await deps.limits.admitStart(typed.key, who.ip);
    await sessions.end(req, res);
    const checked = await deps.limits.guess(typed.key, () => deps.checkPassword(typed, password, who), (u) => u === undefined);
    if (!checked) {
      deps.logger.info({ event: 'admin_signin_failed', user: typed.key, clientIp: who.ip, reason: 'password' }, 'admin sign-in refused: password');
      return sendSignInPage(web, req, res, MESSAGES.signin_failed, username);
    }
    const { user } = checked;
    if (user !== typed.key) await deps.limits.refuseIfLocked(user);
    if (!(await deps.devices.list(user)).some((d) => d.active) && !(await hasPasskey(web, user))) {
      deps.logger.info({ event: 'admin_signin_failed', user, clientIp: who.ip, reason: 'no_app' }, 'admin sign-in refused: no authenticator app or passkey to ask of');
      return void res.status(403).type('html').send(noAppPage(web.deps.passkeys !== undefined));
    }
    await sessions.start(req, res, user, 'second_factor', { administrator: deps.isAdministrator(user, checked.groups) });
    deps.logger.info({ event: 'admin_password_ok', user, clientIp: who.ip }, 'admin password right; a code from the app or a passkey is owed');
    redirectWith(res, ADMIN);
  };
}

/** POST /admin/code: the code. Right, an administrator is signed in under a new session id; anyone else is told they are not one. */
export function checkSignInCode(web: AdminWeb): RequestHandler {
  const { deps, sessions } = web;
  return async (req, res) => {
    const session = await sessions.read(req);
    if (!session) return toSignIn(web, req, res);
    if (session.stage !== 'second_factor') return redirectWith(res, ADMIN);
    if (!sessions.csrfMatches(session, body(req).csrf)) throw new FactorgateError('csrf', 'admin code form token missing or wrong', { user: session.user });
    const { ip } = client(req);
    const { user } = session;
    const otp = { store: deps.devices, keyring: deps.keyring, totp: deps.totp, clock: deps.clock, logger: deps.logger };
    const result = await deps.limits.guess(user, () => checkCode(otp, user, readTypedCode(body(req).code), { clientIp: ip, via: 'admin' }), wrongCode);
    if (result.outcome !== 'success') {
      deps.logger.info({ event: 'admin_signin_failed', user, clientIp: ip, reason: result.reason }, 'admin sign-in refused: code');
      if (result.reason === 'no_device') {
        await sessions.end(req, res);
        return redirectWith(res, ADMIN, 'signin_again');
      }
      await deps.limits.countClient(ip);
      return redirectWith(res, ADMIN, result.reason === 'reused' ? 'code_reused' : 'code_wrong');
    }
    // ASVS 3.2.1: a new session id once both factors are in.
    await sessions.end(req, res);
    if (!session.administrator) {
      deps.logger.warn({ event: 'admin_signin_refused', user, clientIp: ip, reason: 'not_administrator' }, 'both factors right, but the user is no administrator: /admin refused');
      return void res.status(403).type('html').send(notAdministratorPage(user));
    }
    await sessions.start(req, res, user, 'ready', { administrator: true });
    deps.logger.info({ event: 'admin_signin', user, clientIp: ip, deviceId: result.deviceId }, 'administrator signed in with password and code');
    redirectWith(res, ADMIN);
  };
}

/** POST /admin/signout, from either stage. */
export function signOut(web: AdminWeb): RequestHandler {
  return portalSignOut(web.sessions, { name: 'admin', logger: web.deps.logger, done: (res) => redirectWith(res, ADMIN, 'signed_out') });
}

/** Whether the user has a passkey to answer with, where passkeys are on. */
async function hasPasskey(web: AdminWeb, user: string): Promise<boolean> {
  return (await web.deps.passkeys?.has(user)) ?? false;
}
