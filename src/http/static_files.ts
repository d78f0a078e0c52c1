import express, { type Router } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MFA_PATHS } from './paths.js';

// factorgate's own style sheet and scripts, under /mfa/static: served by the main listener and,
// for /admin's pages, by /admin's own listener (admin.web.port) too, which has nothing else of /mfa.

export const PUBLIC_DIR = fileURLToPath(new URL('../../public/', import.meta.url));

/** @simplewebauthn/browser's plain-script bundle (it sets window.SimpleWebAuthnBrowser), served as /mfa/static/webauthn.js. */
const WEBAUTHN_BUNDLE = join(dirname(createRequire(import.meta.url).resolve('@simplewebauthn/browser')), '..', 'dist', 'bundle', 'index.umd.min.js');

export function staticFiles(): Router {
  const router = express.Router();
  router.get(`${MFA_PATHS.static}/webauthn.js`, (_req, res) => res.sendFile(WEBAUTHN_BUNDLE, { maxAge: '10m' }));
  router.use(MFA_PATHS.static, express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: '10m', etag: true }));
  return router;
}
