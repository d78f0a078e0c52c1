import type { RequestHandler } from 'express';
import { MFA_PATHS } from '../http/paths.js';
import { anotherEndpoint } from './endpoints/another.js';
import { answerEndpoint } from './endpoints/answer.js';
import { beginEndpoint } from './endpoints/begin.js';
import { cancelEndpoint } from './endpoints/cancel.js';
import { enrolQrEndpoint } from './endpoints/enrol_qr.js';
import { provideEndpoint } from './endpoints/provide.js';
import { pushConfirmEndpoint } from './endpoints/push_confirm.js';
import { pushEventsEndpoint } from './endpoints/push_events.js';
import { resendEndpoint } from './endpoints/resend.js';
import { showStepEndpoint } from './endpoints/show_step.js';
import type { LoginWeb } from './endpoints/web.js';

export type { LoginWeb } from './endpoints/web.js';

/** One endpoint: its method, its exact path and its handler. */
export type LoginRoute = readonly [method: 'GET' | 'POST', path: string, handler: RequestHandler];

/**
 * The login's endpoints under /mfa, one file each in endpoints/: each reads its input, moves the
 * login on (with_login.ts is the gate in front of every post of a login in progress), and renders
 * the view as JSON for the dialog or as a page without the script (respond.ts).
 */
export function loginRouteTable(web: LoginWeb): LoginRoute[] {
  return [
    ['POST', MFA_PATHS.login, beginEndpoint(web)],
    ['GET', MFA_PATHS.step, showStepEndpoint(web)],
    ['POST', MFA_PATHS.step, answerEndpoint(web)],
    ['POST', MFA_PATHS.form, provideEndpoint(web)],
    ['POST', MFA_PATHS.another, anotherEndpoint(web)],
    ['POST', MFA_PATHS.resend, resendEndpoint(web)],
    ['POST', MFA_PATHS.cancel, cancelEndpoint(web)],
    ['GET', MFA_PATHS.pushEvents, pushEventsEndpoint(web)],
    ['POST', MFA_PATHS.pushConfirm, pushConfirmEndpoint(web)],
    ['GET', MFA_PATHS.enrolQr, enrolQrEndpoint(web)],
  ];
}

/**
 * The table as one middleware: a request finds its endpoint in one lookup by method and path,
 * where express's Router tried each route's pattern in turn (bench/README.md: a login's posts
 * paid for the router's layers on every request). It matches as that Router did: the path
 * caseless, one trailing "/" allowed, HEAD answered by GET; a handler's rejected promise goes to
 * the app's error handler; anything else goes on to the next middleware (the "not found" page).
 */
export function loginRoutes(web: LoginWeb): RequestHandler {
  return dispatch(loginRouteTable(web));
}

export function dispatch(table: readonly LoginRoute[]): RequestHandler {
  const byKey = new Map(table.map(([method, path, handler]) => [`${method} ${path.toLowerCase()}`, handler]));
  return (req, res, next) => {
    const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
    const handler = byKey.get(`${req.method === 'HEAD' ? 'GET' : req.method} ${path.toLowerCase()}`);
    if (!handler) return next();
    try {
      const result: unknown = handler(req, res, next);
      if (result instanceof Promise) result.catch((err: unknown) => next(err ?? new Error('Rejected promise')));
    } catch (err) {
      next(err);
    }
  };
}
