import { Router } from 'express';
import type { Readiness } from './readiness.js';
import type { Metrics } from './metrics.js';

/** /healthz (the process serves), /readyz (its dependencies answer) and, when enabled here, /metrics. */
export function opsRoutes(deps: { readiness: Readiness; metrics?: Metrics }): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const report = await deps.readiness.report();
    res.set('Cache-Control', 'no-store').status(report.ready ? 200 : 503).json(report);
  });
  if (deps.metrics) router.get('/metrics', metricsHandler(deps.metrics));
  return router;
}

export function metricsHandler(metrics: Metrics) {
  return async (_req: unknown, res: import('express').Response) => {
    res.set('Content-Type', metrics.contentType).set('Cache-Control', 'no-store').send(await metrics.exposition());
  };
}
