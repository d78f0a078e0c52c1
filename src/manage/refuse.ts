import type { NextFunction, Request, Response } from 'express';
import { FactorgateError, asFactorgateError } from '../errors.js';
import { errorPage } from './pages/error_page.js';
import type { Portal } from './portal.js';

// How the portal ends a request early: one log line with the detail, a page with the safe text
// and a way back that this user can take (their devices when signed in, else the sign-in).

export function refuse({ deps, sessions }: Portal) {
  return async (err: unknown, req: Request, res: Response, _next: NextFunction): Promise<void> => {
    const error = asFactorgateError(err);
    const level = error.status >= 500 ? 'error' : 'warn';
    deps.logger[level]({ event: 'manageotp_refused', code: error.code, detail: error.detail, ...error.extra, method: req.method, path: req.path.slice(0, 256), clientIp: req.ip }, error.detail);
    if (res.headersSent) return void res.destroy();
    // A store that cannot answer cannot say who is signed in either: then the way back is the sign-in.
    const signedIn = await sessions.read(req).then((s) => s?.stage === 'ready', () => false);
    res.set('Cache-Control', 'no-store').status(error.status).type('html').send(errorPage(error, signedIn));
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new FactorgateError('not_found', 'no such portal route'));
}
