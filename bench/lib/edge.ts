import { loadConfig } from '../../src/config/load.js';
import { startEdgeProxy, type EdgeKind, type RunningEdge } from '../../src/edge/run_edge.js';
import { factorgateEnv } from './factorgate_process.js';
import { pinned } from './proc.js';

// An edge proxy for the bench: nginx or HAProxy running exactly what `factorgate edge` prints for
// the bench's factorgate configuration (src/edge/run_edge.ts adds only a directory and, for
// HAProxy, the thread count). Two workers or threads, as the plain nginx and HAProxy it is compared with.

export type BenchEdge = RunningEdge & { name: string };

export async function startBenchEdge(kind: EdgeKind, o: { gatewayUrl: string; factorgateUrl: string; anakamUrl: string; cpus?: string; workers?: number }): Promise<BenchEdge> {
  const config = loadConfig({
    env: factorgateEnv({ port: Number(new URL(o.factorgateUrl).port), gatewayUrl: o.gatewayUrl, anakamUrl: o.anakamUrl, extra: { FACTORGATE_TRUST_PROXY: '127.0.0.1' } }),
  });
  const edge = await startEdgeProxy(kind, config, { factorgateUrl: o.factorgateUrl, workers: o.workers ?? 2, wrap: (command, args) => pinned(o.cpus, command, args) });
  return { ...edge, name: `${kind} (edge)` };
}
