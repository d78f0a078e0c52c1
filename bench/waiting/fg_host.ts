import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { factorgateEnv, ROOT } from '../lib/factorgate_process.js';
import { freePort } from '../lib/net.js';
import { WAITING_LOGIN_LIFETIME_SECONDS } from './lifetime.js';

// factorgate in this very process (run with --expose-gc), so the parent can read what parked
// logins cost it: process.memoryUsage() after full collections, and the event loop's delay
// (perf_hooks.monitorEventLoopDelay) while they are parked. The store is the memory store, as by
// default, except that it sweeps expired entries every second instead of every 30 s, so a sweep
// over all the parked logins falls inside the measured wait; or, with BENCH_REDIS_URL, the Redis
// store on that server, as listen.workers above 1 or several instances use it.

const { loadConfig } = (await import(`${ROOT}dist/config/load.js`)) as typeof import('../../src/config/load.js');
const { startFactorgate } = (await import(`${ROOT}dist/factorgate.js`)) as typeof import('../../src/factorgate.js');
const { MemoryStore } = (await import(`${ROOT}dist/state/memory_store.js`)) as typeof import('../../src/state/memory_store.js');
const { systemClock } = (await import(`${ROOT}dist/clock.js`)) as typeof import('../../src/clock.js');

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const port = await freePort();
const config = loadConfig({
  env: factorgateEnv({
    port, gatewayUrl: process.env.BENCH_GATEWAY_URL!, anakamUrl: process.env.BENCH_TFA_URL!,
    extra: {
      FACTORGATE_TRUST_PROXY: '127.0.0.1',
      // The longest a login may wait (the schema's maximum): parking 100,000 takes minutes, and
      // the first ones must still be waiting when the last is parked (run.ts checks it).
      FACTORGATE_LOGIN_LIFETIME_SECONDS: String(WAITING_LOGIN_LIFETIME_SECONDS),
      ...(process.env.BENCH_REDIS_URL ? { FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: process.env.BENCH_REDIS_URL } : {}),
      // The push section: every login is a push through the LinOTP simulator, waiting up to 120 s.
      ...(process.env.BENCH_LINOTP_URL
        ? { FACTORGATE_LINOTP_URLS: process.env.BENCH_LINOTP_URL, FACTORGATE_PROVIDERS_DEFAULT: 'push', FACTORGATE_LINOTP_PUSH_TIMEOUT_SECONDS: '120' }
        : {}),
    },
  }),
});
const store = process.env.BENCH_REDIS_URL ? undefined : new MemoryStore(systemClock, { sweepIntervalMs: 1000, maxEntries: 1_000_000 });
const running = await startFactorgate(config, { store });
let loop: IntervalHistogram | undefined;

async function collect(): Promise<NodeJS.MemoryUsage> {
  for (let i = 0; i < 4; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve)); // let finalizers and weak callbacks run
  }
  return process.memoryUsage();
}

process.on('message', (message: { id: number; cmd: string }) => {
  void (async () => {
    const reply = (data: object) => process.send!({ id: message.id, ...data });
    switch (message.cmd) {
      case 'memory':
        return reply({ memory: await collect() });
      case 'loop-start':
        loop = monitorEventLoopDelay({ resolution: 1 });
        loop.enable();
        return reply({});
      case 'loop-stop':
        loop!.disable();
        return reply({ maxMs: loop!.max / 1e6, p99Ms: loop!.percentile(99) / 1e6, meanMs: loop!.mean / 1e6 });
    }
  })();
});
process.on('SIGTERM', () => void running.close().then(() => process.exit(0)));
console.log(`READY ${running.url}`);
