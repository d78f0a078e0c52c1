import { fileURLToPath } from 'node:url';
import { startChild, sleep, type Child } from '../lib/proc.js';
import { freePort } from '../lib/net.js';
import { startCpuMeter } from '../lib/cpu_meter.js';
import { startFactorgateProcess, workersEnv } from '../lib/factorgate_process.js';
import { startRedis, type BenchRedis } from '../lib/redis.js';
import { median, round } from '../lib/stats.js';
import { startNginx } from './nginx.js';
import { runWrk, type WrkResult } from './wrk.js';
import type { Layout } from '../layout.js';

// Pass-through: the same small upstream (a) directly, (b) through factorgate, (c) through nginx,
// and (d) through factorgate with listen.workers 2 (two node:cluster workers sharing the port,
// the Redis store they need on a redis-server of its own). Rounds interleave the targets so that
// a burst of outside load hits them alike; the median round counts.

export type TargetName = 'direct' | 'factorgate' | 'nginx' | 'factorgate_workers2';

export type TargetResult = {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  /** CPU time the proxy (or, for direct, the upstream) spent per request, in microseconds. */
  cpuUsPerRequest: number;
  roundsRps: number[];
  /** Share of the machine's CPU taken by processes outside the bench during the median round. */
  foreignCpuShare: number;
  moderate: { rps: number; p50Ms: number; p99Ms: number; maxMs: number };
};

export type PassthroughSettings = { connections: number; seconds: number; rounds: number; warmupSeconds: number; moderate: { connections: number; paceMs: number; seconds: number } };

export type PassthroughResults = {
  settings: PassthroughSettings;
  targets: Partial<Record<TargetName, TargetResult>>;
  ratios: { factorgateToNginx: number; factorgateToDirect: number; nginxToDirect: number; factorgateWorkers2ToNginx?: number };
  /** factorgate's p99 minus direct's at moderate load, in milliseconds (and with two workers). */
  moderateP99GapMs: number;
  moderateP99GapWorkers2Ms?: number;
};

const UPSTREAM = fileURLToPath(new URL('./upstream.ts', import.meta.url));

type Target = { name: TargetName; url: string; subject: Child; stop(): Promise<void> };

export async function runPassthrough(layout: Layout, settings: PassthroughSettings, log: (line: string) => void, withWorkers: boolean): Promise<PassthroughResults> {
  const upstream = await startChild(process.execPath, ['--import', 'tsx', UPSTREAM], { name: 'upstream', cpus: layout.upstream });
  const targets: Target[] = [];
  let redis: BenchRedis | undefined;
  try {
    const upstreamPort = Number(new URL(upstream.ready).port);
    targets.push({ name: 'direct', url: upstream.ready, subject: upstream, stop: async () => undefined });
    const fg = await startFactorgateProcess({ gatewayUrl: upstream.ready, anakamUrl: 'http://127.0.0.1:9', cpus: layout.proxy });
    targets.push({ name: 'factorgate', url: fg.url, subject: fg, stop: () => fg.stop() });
    const nginxPort = await freePort();
    const nginx = await startNginx({ upstreamPort, port: nginxPort, workers: 2, cpus: layout.proxy });
    targets.push({ name: 'nginx', url: `http://127.0.0.1:${nginxPort}`, subject: nginx, stop: () => nginx.cleanup() });
    if (withWorkers) {
      redis = await startRedis({ cpus: layout.proxy });
      const two = await startFactorgateProcess({ gatewayUrl: upstream.ready, anakamUrl: 'http://127.0.0.1:9', cpus: layout.proxy, extra: workersEnv(2, redis.url) });
      targets.push({ name: 'factorgate_workers2', url: two.url, subject: two, stop: () => two.stop() });
    }

    const path = '/bench/hello';
    for (const t of targets) {
      log(`pass-through: warming up ${t.name}`);
      await runWrk({ url: t.url + path, connections: settings.connections, seconds: settings.warmupSeconds, cpus: layout.loadgen });
    }
    const rounds = new Map<TargetName, Array<{ wrk: WrkResult; cpuMs: number; foreign: number }>>();
    for (let r = 0; r < settings.rounds; r++) {
      for (const t of targets) {
        const others = [upstream.pid].filter((pid) => pid !== t.subject.pid);
        const meter = startCpuMeter([t.subject.pid], others);
        const wrk = await runWrk({ url: t.url + path, connections: settings.connections, seconds: settings.seconds, cpus: layout.loadgen });
        const cpu = meter();
        rounds.set(t.name, [...(rounds.get(t.name) ?? []), { wrk, cpuMs: cpu.subjectMs, foreign: cpu.foreignShare }]);
        log(`pass-through: round ${r + 1}/${settings.rounds} ${t.name}: ${wrk.rps} req/s, p99 ${wrk.p99Ms} ms, outside load ${Math.round(cpu.foreignShare * 100)}%`);
        await sleep(300);
      }
    }
    const results: PassthroughResults['targets'] = {};
    for (const t of targets) {
      const runs = rounds.get(t.name)!;
      const mid = runs.slice().sort((a, b) => a.wrk.rps - b.wrk.rps)[Math.floor(runs.length / 2)]!;
      const m = settings.moderate;
      const moderate = await runWrk({ url: t.url + path, connections: m.connections, seconds: m.seconds, paceMs: m.paceMs, cpus: layout.loadgen });
      log(`pass-through: moderate load ${t.name}: ${moderate.rps} req/s, p50 ${moderate.p50Ms} ms, p99 ${moderate.p99Ms} ms`);
      results[t.name] = {
        rps: mid.wrk.rps,
        p50Ms: mid.wrk.p50Ms,
        p99Ms: mid.wrk.p99Ms,
        errors: runs.reduce((s, x) => s + x.wrk.errors + x.wrk.non2xx, 0) + moderate.errors + moderate.non2xx,
        cpuUsPerRequest: round((mid.cpuMs * 1000) / mid.wrk.requests, 1),
        roundsRps: runs.map((x) => x.wrk.rps),
        foreignCpuShare: round(mid.foreign, 3),
        moderate: { rps: moderate.rps, p50Ms: moderate.p50Ms, p99Ms: moderate.p99Ms, maxMs: moderate.maxMs },
      };
    }
    const rps = (name: TargetName) => results[name]?.rps ?? NaN;
    return {
      settings,
      targets: results,
      ratios: {
        factorgateToNginx: round(rps('factorgate') / rps('nginx'), 3),
        factorgateToDirect: round(rps('factorgate') / rps('direct'), 3),
        nginxToDirect: round(rps('nginx') / rps('direct'), 3),
        ...(withWorkers ? { factorgateWorkers2ToNginx: round(rps('factorgate_workers2') / rps('nginx'), 3) } : {}),
      },
      moderateP99GapMs: round(results.factorgate!.moderate.p99Ms - results.direct!.moderate.p99Ms, 2),
      ...(withWorkers ? { moderateP99GapWorkers2Ms: round(results.factorgate_workers2!.moderate.p99Ms - results.direct!.moderate.p99Ms, 2) } : {}),
    };
  } finally {
    for (const t of targets.reverse()) await t.stop();
    await redis?.cleanup();
    await upstream.stop();
  }
}

export { median };
