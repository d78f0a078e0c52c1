import { fileURLToPath } from 'node:url';
import { ask } from '../lib/ipc.js';
import { sleep, startChild, type Child } from '../lib/proc.js';
import { round } from '../lib/stats.js';
import { runDriver } from '../logins/run.js';
import type { ParkResult } from '../logins/driver.js';
import type { Layout } from '../layout.js';

// 10,000 logins parked at the passcode step at once, in one factorgate process with the memory
// store: memory per waiting login (heap + external, after full collections) and the event loop's
// delay, apart while they are being parked (64 at a time: factorgate is saturated, and the delay
// is mostly the length of a loop turn serving a full batch of requests) and while they all wait.

const HOST = fileURLToPath(new URL('./fg_host.ts', import.meta.url));

export type WaitingSettings = { count: number; concurrency: number; warmup: number; holdSeconds: number; firstUser: number };
export type WaitingResults = {
  settings: WaitingSettings;
  parked: number;
  failures: number;
  parkSeconds: number;
  bytesPerLogin: number;
  rssBytesPerLogin: number;
  heapDeltaBytes: number;
  loopDelay: { parking: LoopDelay; waiting: LoopDelay };
};

type LoopDelay = { maxMs: number; p99Ms: number; meanMs: number };
const rounded = (d: LoopDelay): LoopDelay => ({ maxMs: round(d.maxMs, 1), p99Ms: round(d.p99Ms, 1), meanMs: round(d.meanMs, 2) });

type Memory = { memory: NodeJS.MemoryUsage };

export async function runWaiting(layout: Layout, settings: WaitingSettings, sims: Child, log: (line: string) => void): Promise<WaitingResults> {
  const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
  const host = await startChild(process.execPath, ['--expose-gc', '--import', 'tsx', HOST], {
    name: 'factorgate (in-process)', cpus: layout.proxy, ipc: true, env: { BENCH_GATEWAY_URL: gwUrl, BENCH_TFA_URL: anakamUrl },
  });
  try {
    const park = (count: number, firstUser: number) => runDriver<ParkResult>({ kind: 'park', fgUrl: host.ready, anakamUrl, count, concurrency: settings.concurrency, firstUser }, layout.loadgen);
    await park(settings.warmup, settings.firstUser); // JIT warm-up; these stay parked in both readings
    const before = (await ask<Memory>(host.proc, 'memory')).memory;
    await ask(host.proc, 'loop-start');
    const parked = await park(settings.count, settings.firstUser + settings.warmup);
    const parking = await ask<LoopDelay>(host.proc, 'loop-stop');
    log(`waiting logins: ${parked.parked} parked in ${parked.seconds} s, ${parked.failures} failed${parked.firstErrors.length ? ` (${parked.firstErrors[0]})` : ''}; holding ${settings.holdSeconds} s`);
    await ask(host.proc, 'loop-start');
    await sleep(settings.holdSeconds * 1000);
    const waiting = await ask<LoopDelay>(host.proc, 'loop-stop');
    const after = (await ask<Memory>(host.proc, 'memory')).memory;
    const heap = after.heapUsed + after.external - before.heapUsed - before.external;
    return {
      settings,
      parked: parked.parked,
      failures: parked.failures,
      parkSeconds: parked.seconds,
      bytesPerLogin: Math.round(heap / Math.max(1, parked.parked)),
      rssBytesPerLogin: Math.round((after.rss - before.rss) / Math.max(1, parked.parked)),
      heapDeltaBytes: heap,
      loopDelay: { parking: rounded(parking), waiting: rounded(waiting) },
    };
  } finally {
    await host.stop();
  }
}
