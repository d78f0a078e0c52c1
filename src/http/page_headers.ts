import express, { type RequestHandler } from 'express';
import helmet from 'helmet';

// The portals (/manageotp, /admin) bring their own security headers and body parser, so each is
// safe wherever it is mounted: the same policy as factorgate's /mfa pages (src/app.ts), and
// nothing is cached.

export function ownPageHeaders(hsts: boolean): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], formAction: ["'self'"], frameAncestors: ["'none'"] } },
      hsts,
    }),
    (_req, res, next) => {
      // Pages hold device names, tokens and, once, a secret: never kept by a browser or a proxy.
      res.set('Cache-Control', 'no-store');
      next();
    },
    express.urlencoded({ extended: false, inflate: false, limit: '8kb', parameterLimit: 20 }),
  ];
}
