import { createHash } from 'node:crypto';
import express, { type Router } from 'express';

/**
 * Pass-through helpers, to prove factorgate forwards requests unchanged:
 *   GET  /echo       JSON of method, url and headers
 *   POST /echo       the same plus bodyLength and sha256 of the body, hashed as it streams
 *                    (no size limit, nothing buffered)
 *   GET  /redirect   302 to /portal/ with Set-Cookie: other=1; Path=/
 */
export function echoRoutes(): Router {
  const router = express.Router();
  router.get('/echo', (req, res) => {
    res.json({ method: req.method, url: req.originalUrl, headers: req.headers });
  });
  router.post('/echo', (req, res, next) => {
    const hash = createHash('sha256');
    let bodyLength = 0;
    req.on('data', (chunk: Buffer) => {
      bodyLength += chunk.length;
      hash.update(chunk);
    });
    req.on('error', next);
    req.on('end', () => {
      res.json({ method: req.method, url: req.originalUrl, headers: req.headers, bodyLength, sha256: hash.digest('hex') });
    });
  });
  router.get('/redirect', (_req, res) => {
    res.append('Set-Cookie', 'other=1; Path=/');
    res.redirect(302, '/portal/');
  });
  return router;
}
