import cluster from 'node:cluster';
import { factorgateEnv, ROOT } from '../lib/factorgate_process.js';

// An experiment, not a factorgate mode: two factorgate processes sharing one port through
// node:cluster, for pass-through only. With the in-memory store a login started in one process
// is unknown to the other, so factorgate itself must not run like this until its store is
// shared (Redis); this only measures what a second process would buy the pass-through.

const WORKERS = 2;
const port = Number(process.env.BENCH_PORT);
const gatewayUrl = process.env.BENCH_GATEWAY_URL!;

if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < WORKERS; i++) cluster.fork();
  cluster.on('listening', () => {
    if (++listening === WORKERS) console.log(`READY http://127.0.0.1:${port}`);
  });
  cluster.on('exit', (_worker, code) => {
    if (code !== 0) process.exitCode = 1;
  });
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.kill('SIGTERM');
  });
} else {
  const { loadConfig } = (await import(`${ROOT}dist/config/load.js`)) as typeof import('../../src/config/load.js');
  const { startFactorgate } = (await import(`${ROOT}dist/factorgate.js`)) as typeof import('../../src/factorgate.js');
  const config = loadConfig({ env: factorgateEnv({ port, gatewayUrl, tfaUrl: 'http://127.0.0.1:9' }) });
  const running = await startFactorgate(config);
  process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
}
