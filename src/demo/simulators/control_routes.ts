import { clientErrorStatus } from './http_server.js';
import express, { type ErrorRequestHandler, type Router } from 'express';

/** What a simulator lets tests control; F is its fault vocabulary (tfa/faults.ts, linotp/faults.ts). */
export type Controls<F> = {
  fault(): F | undefined;
  /** Throws an Error saying what is wrong with the fault. */
  setFault(fault: unknown): void;
  clearFault(): void;
  reset(): void;
};

/**
 * Test controls over HTTP, mirroring the programmatic ones (served to localhost only), the same
 * for every simulator:
 *   GET    /_control/fault   {"fault": {...} | null}
 *   POST   /_control/fault   JSON body, a fault (see the simulator's faults.ts); 400 names what is wrong
 *   DELETE /_control/fault   clears it
 *   POST   /_control/reset   forgets all the simulator's state and the fault
 */
export function controlRoutes<F>(controls: Controls<F>): Router {
  const router = express.Router();
  router.get('/fault', (_req, res) => void res.json({ fault: controls.fault() ?? null }));
  router.post('/fault', express.json({ limit: '4kb' }), (req, res) => {
    // Only JSON: a cross-site form cannot send it, so no other page can set a fault.
    if (!req.is('application/json')) return void res.status(415).json({ error: 'send the fault as application/json' });
    try {
      controls.setFault(req.body);
    } catch (err) {
      return void res.status(400).json({ error: (err as Error).message });
    }
    res.json({ fault: controls.fault() ?? null });
  });
  router.delete('/fault', (_req, res) => {
    controls.clearFault();
    res.status(204).end();
  });
  router.post('/reset', (_req, res) => {
    controls.reset();
    res.status(204).end();
  });
  router.use(((err, _req, res, _next) => {
    const status = clientErrorStatus(err);
    res.status(status).json({ error: status === 400 ? 'body is not valid JSON' : 'request refused' });
  }) satisfies ErrorRequestHandler);
  return router;
}
