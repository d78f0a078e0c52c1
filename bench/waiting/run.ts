import { fileURLToPath } from 'node:url';
import { ask } from '../lib/ipc.js';
import { sleep, startChild, type Child } from '../lib/proc.js';
import { round } from '../lib/stats.js';
import { runDriver } from '../logins/run.js';
import type { ParkResult } from '../logins/driver.js';
import type { Layout } from '../layout.js';
import { WAITING_LOGIN_LIFETIME_SECONDS } from './lifetime.js';
import { startRedis } from '../lib/redis.js';
import { Redis } from 'ioredis';

// 10,000 logins parked at the passcode step at once, in one factorgate process with the memory
// store: memory per waiting login (heap + external, after full collections) and the event loop's
// delay, apart while they are being parked (64 at a time: factorgate is saturated, and the delay
// is mostly the length of a loop turn serving a full batch of requests) and while they all wait.
// The same with the Redis store and 100,000 logins: what each takes in Redis as well.

const HOST = fileURLToPath(new URL('./fg_host.ts', import.meta.url));

export type WaitingSettings = { count: number; concurrency: number; warmup: number; holdSeconds: number; firstUser: number };
/**
 * With the Redis store: what the parked logins take in Redis (used_memory before and after, and
 * MEMORY USAGE of a sample of the login records themselves), besides what they take in factorgate.
 */
export type RedisFigures = {
  usedMemoryBytesPerLogin: number;
  keysPerLogin: number;
  /** MEMORY USAGE of login records, over a sample. */
  loginRecordBytes: { sampled: number; mean: number; max: number };
};
export type WaitingResults = {
  settings: WaitingSettings;
  store: 'memory' | 'redis';
  redis?: RedisFigures;
  parked: number;
  failures: number;
  parkSeconds: number;
  /** The first logins parked had expired before the figures were read: they undercount. */
  expiredWhileParking: boolean;
  bytesPerLogin: number;
  rssBytesPerLogin: number;
  heapDeltaBytes: number;
  loopDelay: { parking: LoopDelay; waiting: LoopDelay };
};

type LoopDelay = { maxMs: number; p99Ms: number; meanMs: number };
const rounded = (d: LoopDelay): LoopDelay => ({ maxMs: round(d.maxMs, 1), p99Ms: round(d.p99Ms, 1), meanMs: round(d.meanMs, 2) });

type Memory = { memory: NodeJS.MemoryUsage };

const RECORD_SAMPLE = 1000;

type RedisReading = { usedMemory: number; keys: number };

async function readRedis(client: Redis): Promise<RedisReading> {
  const info = await client.info('memory');
  return { usedMemory: Number(/^used_memory:(\d+)/m.exec(info)?.[1]), keys: await client.dbsize() };
}

/** MEMORY USAGE of up to RECORD_SAMPLE login records (factorgate:login:<id>). */
async function sampleLoginRecords(client: Redis): Promise<RedisFigures['loginRecordBytes']> {
  const sizes: number[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'MATCH', 'factorgate:login:*', 'COUNT', 500);
    cursor = next;
    for (const key of keys) {
      if (sizes.length >= RECORD_SAMPLE) break;
      sizes.push(Number(await client.memory('USAGE', key)));
    }
  } while (cursor !== '0' && sizes.length < RECORD_SAMPLE);
  return { sampled: sizes.length, mean: Math.round(sizes.reduce((a, b) => a + b, 0) / Math.max(1, sizes.length)), max: Math.max(0, ...sizes) };
}

export async function runWaiting(layout: Layout, settings: WaitingSettings, sims: Child, log: (line: string) => void, store: 'memory' | 'redis' = 'memory'): Promise<WaitingResults> {
  const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
  const redis = store === 'redis' ? await startRedis({ cpus: layout.proxy }) : undefined;
  const client = redis && new Redis(redis.url, { lazyConnect: true });
  await client?.connect();
  const host = await startChild(process.execPath, ['--expose-gc', '--import', 'tsx', HOST], {
    name: 'factorgate (in-process)', cpus: layout.proxy, ipc: true,
    env: { BENCH_GATEWAY_URL: gwUrl, BENCH_TFA_URL: anakamUrl, ...(redis ? { BENCH_REDIS_URL: redis.url } : {}) },
  });
  try {
    const park = (count: number, firstUser: number) => runDriver<ParkResult>({ kind: 'park', fgUrl: host.ready, anakamUrl, count, concurrency: settings.concurrency, firstUser }, layout.loadgen);
    const started = Date.now();
    await park(settings.warmup, settings.firstUser); // JIT warm-up; these stay parked in both readings
    const before = (await ask<Memory>(host.proc, 'memory')).memory;
    const redisBefore = client && await readRedis(client);
    await ask(host.proc, 'loop-start');
    const parked = await park(settings.count, settings.firstUser + settings.warmup);
    const parking = await ask<LoopDelay>(host.proc, 'loop-stop');
    log(`waiting logins (${store} store): ${parked.parked} parked in ${parked.seconds} s, ${parked.failures} failed${parked.firstErrors.length ? ` (${parked.firstErrors[0]})` : ''}; holding ${settings.holdSeconds} s`);
    await ask(host.proc, 'loop-start');
    await sleep(settings.holdSeconds * 1000);
    const waiting = await ask<LoopDelay>(host.proc, 'loop-stop');
    const after = (await ask<Memory>(host.proc, 'memory')).memory;
    const heap = after.heapUsed + after.external - before.heapUsed - before.external;
    const perLogin = (value: number) => Math.round(value / Math.max(1, parked.parked));
    let redisFigures: RedisFigures | undefined;
    if (client && redisBefore) {
      const redisAfter = await readRedis(client);
      redisFigures = {
        usedMemoryBytesPerLogin: perLogin(redisAfter.usedMemory - redisBefore.usedMemory),
        keysPerLogin: round((redisAfter.keys - redisBefore.keys) / Math.max(1, parked.parked), 2),
        loginRecordBytes: await sampleLoginRecords(client),
      };
    }
    return {
      settings,
      store,
      ...(redisFigures ? { redis: redisFigures } : {}),
      parked: parked.parked,
      failures: parked.failures,
      parkSeconds: parked.seconds,
      // Warm-up, parking, holding and reading must fit in one login's lifetime (a minute to spare).
      expiredWhileParking: (Date.now() - started) / 1000 > WAITING_LOGIN_LIFETIME_SECONDS - 60,
      bytesPerLogin: perLogin(heap),
      rssBytesPerLogin: perLogin(after.rss - before.rss),
      heapDeltaBytes: heap,
      loopDelay: { parking: rounded(parking), waiting: rounded(waiting) },
    };
  } finally {
    await host.stop();
    client?.disconnect();
    await redis?.cleanup();
  }
}
