import express, { type NextFunction, type Request, type Response } from 'express';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Config } from './config/schema.js';
import type { Logger } from './log.js';
import { FactorgateError, asFactorgateError } from './errors.js';
import { MFA } from './http/paths.js';
import { parseCookieHeader } from './http/request.js';
import { staticFiles } from './http/static_files.js';
import { loginRoutes, type LoginWeb } from './login/routes.js';
import { sendError } from './login/respond.js';

export { PUBLIC_DIR } from './http/static_files.js';

export type AppDeps = {
  config: Config;
  logger: Logger;
  /** The login's endpoints under /mfa (src/login/routes.ts). */
  login: LoginWeb;
  /** The gateway's login page, fetched and rewritten (src/proxy/login_page/). */
  loginPage: express.RequestHandler;
  /** /healthz, /readyz and /metrics. */
  ops: express.Router;
  /** /manageotp, when otp.enabled (src/manage/routes.ts): brings its own headers and body parser. */
  manage?: express.Router;
  /** /admin, when admin.web.enabled without a listener of its own (src/adminweb/routes.ts): brings its own headers and body parser. */
  admin?: express.Router;
};

const BODY_LIMIT = '8kb';

/**
 * helmet's headers, worked out once: helmet runs at start-up on a stand-in response, and every
 * response then gets the headers it set in one call, instead of passing helmet's fourteen
 * middlewares (each setting one header) on every request. Only for options that do not depend on
 * the request (no CSP nonces): helmet must finish synchronously with no error, or start-up fails.
 */
export function securityHeaders(options: HelmetOptions): express.RequestHandler {
  const headers = new Map<string, string | number | readonly string[]>();
  const removed: string[] = [];
  const standIn = {
    setHeader: (name: string, value: string | number | readonly string[]) => { headers.set(name, value); },
    removeHeader: (name: string) => { removed.push(name); },
  };
  let done = false;
  helmet(options)({} as IncomingMessage, standIn as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error('helmet refused its options');
    done = true;
  });
  if (!done) throw new Error('helmet did not set its headers at once');
  return (_req, res, next) => {
    res.setHeaders(headers);
    for (const name of removed) res.removeHeader(name);
    next();
  };
}

/** factorgate's own routes: /mfa/*, the login page and health. Pass-through never comes here. */
export function createApp(deps: AppDeps): express.Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);
  app.set('etag', false);

  app.use((req, _res, next) => {
    req.cookies = parseCookieHeader(req.headers.cookie);
    next();
  });

  app.use(deps.ops);
  app.get(config.gateway.loginPage, deps.loginPage);

  app.use(MFA, securityHeaders({
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"] } },
    hsts: config.behindTls,
  }));
  app.use(staticFiles());
  // No browser compresses a form post: a Content-Encoding is refused (415), never inflated.
  app.use(MFA, express.urlencoded({ extended: false, inflate: false, limit: BODY_LIMIT, parameterLimit: 20 }), express.json({ limit: BODY_LIMIT, inflate: false, strict: true }));
  app.use(loginRoutes(deps.login));
  if (deps.manage) app.use(deps.manage);
  if (deps.admin) app.use(deps.admin);

  app.use((req, res) => {
    sendError(req, res, new FactorgateError('not_found', 'no such factorgate route'), config.gateway.loginPage);
  });

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const error = asFactorgateError(err);
    const level = error.status >= 500 ? 'error' : 'warn';
    logger[level]({ event: 'request_refused', code: error.code, detail: error.detail, ...error.extra, method: req.method, path: req.path.slice(0, 256), clientIp: req.ip }, error.detail);
    if (res.headersSent) return res.destroy();
    sendError(req, res, error, config.gateway.loginPage);
  });
  return app;
}
