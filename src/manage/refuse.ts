import type { NextFunction, Request, Response } from 'express';
import { FactorgateError, asFactorgateError } from '../errors.js';
import type { Logger } from '../log.js';
import { errorPage } from './pages/error_page.js';

// How the portal ends a request early: one log line with the detail, a page with the safe text.

export function refuse(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const error = asFactorgateError(err);
    const level = error.status >= 500 ? 'error' : 'warn';
    logger[level]({ event: 'manageotp_refused', code: error.code, detail: error.detail, ...error.extra, method: req.method, path: req.path.slice(0, 256), clientIp: req.ip }, error.detail);
    if (res.headersSent) return void res.destroy();
    res.set('Cache-Control', 'no-store').status(error.status).type('html').send(errorPage(error));
  };
}

export function notFound(_req: Request, _res: Response, next: NextFunction): void {
  next(new FactorgateError('not_found', 'no such portal route'));
}
