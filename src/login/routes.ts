import { Router, type Request } from 'express';
import type { LoginFlow } from './login_flow.js';
import { readCredentials } from './read/read_credentials.js';
import { readTokenPin } from './read/read_token_pin.js';
import { readAnswer } from './read/read_answer.js';
import { FactorgateError } from '../errors.js';
import { qrSvg } from '../http/qr.js';
import { formTokenMatches } from '../security/csrf.js';
import type { Config } from '../config/schema.js';
import type { UserNames } from '../identity/user_names.js';
import { sendView, wantsJson, type Responder } from './respond.js';
import { body, client, cookie, loginIdReader } from '../http/request.js';
import type { Notice, NoticeCode } from './outcomes.js';

type Deps = Responder & { flow: LoginFlow; config: Config; userNames: UserNames };

/** The /mfa endpoints of a login: each reads its input, hands it to the flow, renders the view. */
export function loginRoutes(deps: Deps): Router {
  const { flow, config, keyring } = deps;
  const router = Router();
  const loginIdOf = loginIdReader(keyring, config.cookies.handleName);

  router.post('/mfa/login', async (req, res) => {
    const form = body(req);
    // Thrown, not answered here, so the refusal is logged like every other.
    if (!formTokenMatches(keyring, cookie(req, config.cookies.csrfName), form.fg_csrf)) throw new FactorgateError('csrf', 'login form token missing or wrong');
    const typed = readCredentials(form, { username: config.gateway.usernameField, password: config.gateway.passwordField }, config.login);
    const credentials = { user: deps.userNames.fromTyped(typed.username), password: typed.password, pin: readTokenPin(form) };
    // ASVS 3.2.1: a new handle on every login; an earlier login of this browser ends here.
    const previous = loginIdOf(req);
    if (previous) await flow.abandon(previous);
    const view = await flow.begin(credentials, client(req), cookie(req, config.cookies.deviceName));
    sendView(req, res, view, deps);
  });

  router.get('/mfa/passcode', async (req, res) => {
    const loginId = loginIdOf(req);
    const view = await flow.current(loginId ?? '', client(req));
    if (view.kind === 'challenge') view.notice = noticeFromQuery(req);
    sendView(req, res, view, deps);
  });

  router.post('/mfa/passcode', async (req, res) => {
    const loginId = loginIdOf(req);
    if (!loginId) throw new FactorgateError('no_login', 'passcode posted without a valid handle');
    const form = body(req);
    const answer = readAnswer(form);
    sendView(req, res, await flow.answer(loginId, form.csrf ?? req.get('x-csrf-token'), client(req), answer), deps);
  });

  // The QR code of a device being enrolled in this login; only the browser that started it gets it.
  router.get('/mfa/enrol/qr.svg', async (req, res) => {
    const view = await flow.current(loginIdOf(req) ?? '', client(req));
    if (view.kind !== 'challenge' || !view.setupUri) throw new FactorgateError('no_login', 'no device being enrolled');
    res.set({ 'Cache-Control': 'no-store', 'Content-Security-Policy': 'default-src \'none\'; style-src \'unsafe-inline\'' });
    res.type('image/svg+xml').send((await qrSvg(view.setupUri)).value);
  });

  router.post('/mfa/step', async (req, res) => {
    const loginId = loginIdOf(req);
    if (!loginId) throw new FactorgateError('no_login', 'form posted without a valid handle');
    const form = body(req);
    sendView(req, res, await flow.provide(loginId, form.csrf ?? req.get('x-csrf-token'), client(req), form), deps);
  });

  router.post('/mfa/another', async (req, res) => {
    const loginId = loginIdOf(req);
    if (!loginId) throw new FactorgateError('no_login', 'another way asked without a valid handle');
    sendView(req, res, await flow.tryAnother(loginId, body(req).csrf ?? req.get('x-csrf-token'), client(req)), deps);
  });

  router.post('/mfa/resend', async (req, res) => {
    const loginId = loginIdOf(req);
    if (!loginId) throw new FactorgateError('no_login', 'resend without a valid handle');
    sendView(req, res, await flow.resend(loginId, body(req).csrf ?? req.get('x-csrf-token'), client(req)), deps);
  });

  router.post('/mfa/cancel', async (req, res) => {
    const loginId = loginIdOf(req);
    if (loginId && !(await flow.cancel(loginId, body(req).csrf ?? req.get('x-csrf-token'), client(req)))) {
      throw new FactorgateError('csrf', 'cancel without the login\'s CSRF token');
    }
    deps.cookies.clearHandle(res);
    if (wantsJson(req)) res.json({ status: 'cancelled', restart: config.gateway.loginPage });
    else res.redirect(303, config.gateway.loginPage);
  });

  return router;
}

const NOTICE_CODES = new Set<NoticeCode>(['passcode_invalid', 'passcode_expired', 'device_refused', 'passcode_resent', 'push_expired', 'push_resent']);

/** Only known notice codes and a small number survive the redirect; nothing else is echoed. */
function noticeFromQuery(req: Request): Notice | undefined {
  const code = req.query.notice;
  if (typeof code !== 'string' || !NOTICE_CODES.has(code as NoticeCode)) return undefined;
  const left = Number(req.query.left);
  return { code: code as NoticeCode, attemptsRemaining: Number.isInteger(left) && left >= 0 && left < 100 ? left : undefined };
}
