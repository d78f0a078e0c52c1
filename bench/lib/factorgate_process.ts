import { fileURLToPath } from 'node:url';
import { startChild, type Child } from './proc.js';
import { freePort, httpReady } from './net.js';

// factorgate under test: the built CLI (dist/cli.js) as its own process, configured only through
// FACTORGATE_* variables, logging at warn (no line per request).

// BENCH_FACTORGATE_ROOT: another checkout's build (dist/) to run instead, e.g. to count an older commit's requests.
export const ROOT = process.env.BENCH_FACTORGATE_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
export const BENCH_SECRET = 'bench-secret-0123456789-0123456789-abcdef';
export const BENCH_API = { user: 'bench', password: 'bench-api-password' };

/** The limits a bench needs: many logins per user and per client within a short window. */
export const BENCH_LIMITS = {
  FACTORGATE_LIMITS_WINDOW_SECONDS: '900',
  FACTORGATE_LIMITS_LOGIN_STARTS_PER_USER: '1000',
  FACTORGATE_LIMITS_LOGIN_STARTS_PER_CLIENT: '10000',
};

/** listen.workers above 1, with the Redis store it needs. */
export function workersEnv(workers: number, redisUrl: string): NodeJS.ProcessEnv {
  return { FACTORGATE_LISTEN_WORKERS: String(workers), FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: redisUrl };
}

export function factorgateEnv(o: { port: number; gatewayUrl: string; anakamUrl: string; extra?: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  return {
    FACTORGATE_LISTEN_HOST: '127.0.0.1',
    FACTORGATE_LISTEN_PORT: String(o.port),
    // Several factorgate processes run side by side: each its own metrics port.
    FACTORGATE_METRICS_PORT: '0',
    FACTORGATE_GATEWAY_URL: o.gatewayUrl,
    FACTORGATE_ANAKAM_BASE_URL: o.anakamUrl,
    FACTORGATE_ANAKAM_API_USER: BENCH_API.user,
    FACTORGATE_ANAKAM_API_PASSWORD: BENCH_API.password,
    FACTORGATE_SECRET: BENCH_SECRET,
    FACTORGATE_LOG_LEVEL: 'warn',
    ...BENCH_LIMITS,
    ...o.extra,
  };
}

export type FactorgateProcess = Child & { url: string };

export async function startFactorgateProcess(o: {
  gatewayUrl: string;
  anakamUrl: string;
  cpus?: string;
  extra?: NodeJS.ProcessEnv;
  nodeArgs?: string[];
}): Promise<FactorgateProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = await startChild(process.execPath, [...(o.nodeArgs ?? []), `${ROOT}dist/cli.js`], {
    name: 'factorgate',
    cpus: o.cpus,
    env: factorgateEnv({ port, gatewayUrl: o.gatewayUrl, anakamUrl: o.anakamUrl, extra: o.extra }),
    until: () => httpReady(`${url}/healthz`),
  });
  return { ...child, url };
}
