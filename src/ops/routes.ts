import { Router } from 'express';
import type { DependencyHealth } from './dependencies.js';
import type { Metrics } from './metrics.js';

export type OpsDeps = {
  dependencies: DependencyHealth;
  /** True once shutdown has begun: this instance should get no new traffic. */
  stopping: () => boolean;
};

/**
 * /healthz: the process answers (liveness), 200 whatever its dependencies do; with ?verbose it
 * adds their health, for a person or a monitor, not for a load balancer to act on.
 * /readyz: this instance's own ability to serve: 200 while it serves, 503 once it is stopping.
 * The gateway or the two-factor server being down is not this instance's fault, and every
 * instance would see it at once: pulling them all would stop pass-through too.
 */
export function opsRoutes(deps: OpsDeps): Router {
  const router = Router();
  router.get('/healthz', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (req.query.verbose === undefined) return void res.json({ status: 'ok' });
    res.json({ status: 'ok', dependencies: await deps.dependencies.report() });
  });
  router.get('/readyz', (_req, res) => {
    const ready = !deps.stopping();
    res.set('Cache-Control', 'no-store').status(ready ? 200 : 503).json(ready ? { ready } : { ready, reason: 'stopping' });
  });
  return router;
}

export function metricsHandler(metrics: Metrics) {
  return async (_req: unknown, res: import('express').Response) => {
    res.set('Content-Type', metrics.contentType).set('Cache-Control', 'no-store').send(await metrics.exposition());
  };
}
