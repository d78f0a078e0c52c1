import { fileURLToPath } from 'node:url';
import { startChild, sleep } from '../lib/proc.js';
import { freePort } from '../lib/net.js';
import { startCpuMeter } from '../lib/cpu_meter.js';
import { startFactorgateProcess, workersEnv } from '../lib/factorgate_process.js';
import { startRedis, type BenchRedis } from '../lib/redis.js';
import { startBenchEdge } from '../lib/edge.js';
import { median, round } from '../lib/stats.js';
import { startNginx } from './nginx.js';
import { startHaproxy } from './haproxy.js';
import { runWrk, type WrkResult } from './wrk.js';
import type { Layout } from '../layout.js';

// Pass-through: the same small upstream (a) directly, (b) through factorgate (inline mode),
// (c) through nginx with a plain proxy configuration, (d) through nginx running the configuration
// `factorgate edge nginx` generates (edge mode), (e) and (f) the same two for HAProxy, and (g)
// through factorgate with listen.workers 2 (two node:cluster workers sharing the port, the Redis
// store they need on a redis-server of its own). nginx has two workers, HAProxy two threads.
// Rounds interleave the targets, at full and at moderate load, so that a burst of outside load
// hits them alike; the median round counts, and an edge is compared with its plain proxy round
// by round.

export type TargetName = 'direct' | 'factorgate' | 'nginx' | 'nginx_edge' | 'haproxy' | 'haproxy_edge' | 'factorgate_workers2';

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
  /** Median of the moderate-load rounds. */
  moderate: { rps: number; p50Ms: number; p99Ms: number; maxMs: number; roundsP99Ms: number[] };
};

export type PassthroughSettings = { connections: number; seconds: number; rounds: number; warmupSeconds: number; moderate: { connections: number; paceMs: number; seconds: number } };

/** An edge against its plain proxy: the median of the rounds' requests/s ratios and moderate-load p99 differences. */
export type EdgeComparison = { rpsRatio: number; roundsRpsRatio: number[]; moderateP99GapMs: number; roundsModerateP99GapMs: number[] };

export type PassthroughResults = {
  settings: PassthroughSettings;
  targets: Partial<Record<TargetName, TargetResult>>;
  ratios: { factorgateToNginx: number; factorgateToDirect: number; nginxToDirect: number; factorgateWorkers2ToNginx?: number };
  /** factorgate's p99 minus direct's at moderate load, in milliseconds (and with two workers). */
  moderateP99GapMs: number;
  moderateP99GapWorkers2Ms?: number;
  edge: { nginx: EdgeComparison; haproxy: EdgeComparison };
};

const UPSTREAM = fileURLToPath(new URL('./upstream.ts', import.meta.url));

type Target = { name: TargetName; url: string; pid: number; stop(): Promise<void> };
type Round = { wrk: WrkResult; cpuMs: number; foreign: number };

export async function runPassthrough(layout: Layout, settings: PassthroughSettings, log: (line: string) => void, withWorkers: boolean): Promise<PassthroughResults> {
  const upstream = await startChild(process.execPath, ['--import', 'tsx', UPSTREAM], { name: 'upstream', cpus: layout.upstream });
  const targets: Target[] = [];
  let redis: BenchRedis | undefined;
  try {
    const upstreamPort = Number(new URL(upstream.ready).port);
    const anakamUrl = 'http://127.0.0.1:9';
    targets.push({ name: 'direct', url: upstream.ready, pid: upstream.pid, stop: async () => undefined });
    const fg = await startFactorgateProcess({ gatewayUrl: upstream.ready, anakamUrl, cpus: layout.proxy, extra: { FACTORGATE_TRUST_PROXY: '127.0.0.1' } });
    targets.push({ name: 'factorgate', url: fg.url, pid: fg.pid, stop: () => fg.stop() });
    const nginxPort = await freePort();
    const nginx = await startNginx({ upstreamPort, port: nginxPort, workers: 2, cpus: layout.proxy });
    targets.push({ name: 'nginx', url: `http://127.0.0.1:${nginxPort}`, pid: nginx.pid, stop: () => nginx.cleanup() });
    const edges = { gatewayUrl: upstream.ready, factorgateUrl: fg.url, anakamUrl, cpus: layout.proxy };
    const nginxEdge = await startBenchEdge('nginx', edges);
    targets.push({ name: 'nginx_edge', url: nginxEdge.url, pid: nginxEdge.pid, stop: () => nginxEdge.stop() });
    const haproxyPort = await freePort();
    const haproxy = await startHaproxy({ upstreamPort, port: haproxyPort, threads: 2, cpus: layout.proxy });
    targets.push({ name: 'haproxy', url: `http://127.0.0.1:${haproxyPort}`, pid: haproxy.pid, stop: () => haproxy.cleanup() });
    const haproxyEdge = await startBenchEdge('haproxy', edges);
    targets.push({ name: 'haproxy_edge', url: haproxyEdge.url, pid: haproxyEdge.pid, stop: () => haproxyEdge.stop() });
    if (withWorkers) {
      redis = await startRedis({ cpus: layout.proxy });
      const two = await startFactorgateProcess({ gatewayUrl: upstream.ready, anakamUrl, cpus: layout.proxy, extra: workersEnv(2, redis.url) });
      targets.push({ name: 'factorgate_workers2', url: two.url, pid: two.pid, stop: () => two.stop() });
    }

    const path = '/bench/hello';
    for (const t of targets) {
      log(`pass-through: warming up ${t.name}`);
      await runWrk({ url: t.url + path, connections: settings.connections, seconds: settings.warmupSeconds, cpus: layout.loadgen });
    }
    const full = new Map<TargetName, Round[]>();
    for (let r = 0; r < settings.rounds; r++) {
      for (const t of targets) {
        const others = [upstream.pid].filter((pid) => pid !== t.pid);
        const meter = startCpuMeter([t.pid], others);
        const wrk = await runWrk({ url: t.url + path, connections: settings.connections, seconds: settings.seconds, cpus: layout.loadgen });
        const cpu = meter();
        full.set(t.name, [...(full.get(t.name) ?? []), { wrk, cpuMs: cpu.subjectMs, foreign: cpu.foreignShare }]);
        log(`pass-through: round ${r + 1}/${settings.rounds} ${t.name}: ${wrk.rps} req/s, p99 ${wrk.p99Ms} ms, outside load ${Math.round(cpu.foreignShare * 100)}%`);
        await sleep(300);
      }
    }
    const moderate = new Map<TargetName, WrkResult[]>();
    const m = settings.moderate;
    for (let r = 0; r < settings.rounds; r++) {
      for (const t of targets) {
        const wrk = await runWrk({ url: t.url + path, connections: m.connections, seconds: m.seconds, paceMs: m.paceMs, cpus: layout.loadgen });
        moderate.set(t.name, [...(moderate.get(t.name) ?? []), wrk]);
        log(`pass-through: moderate load, round ${r + 1}/${settings.rounds} ${t.name}: ${wrk.rps} req/s, p50 ${wrk.p50Ms} ms, p99 ${wrk.p99Ms} ms`);
      }
    }
    const results: PassthroughResults['targets'] = {};
    for (const t of targets) {
      const runs = full.get(t.name)!;
      const mid = runs.slice().sort((a, b) => a.wrk.rps - b.wrk.rps)[Math.floor(runs.length / 2)]!;
      const paced = moderate.get(t.name)!;
      results[t.name] = {
        rps: mid.wrk.rps,
        p50Ms: mid.wrk.p50Ms,
        p99Ms: mid.wrk.p99Ms,
        errors: runs.reduce((s, x) => s + x.wrk.errors + x.wrk.non2xx, 0) + paced.reduce((s, x) => s + x.errors + x.non2xx, 0),
        cpuUsPerRequest: round((mid.cpuMs * 1000) / mid.wrk.requests, 1),
        roundsRps: runs.map((x) => x.wrk.rps),
        foreignCpuShare: round(mid.foreign, 3),
        moderate: {
          rps: Math.round(median(paced.map((x) => x.rps))), p50Ms: round(median(paced.map((x) => x.p50Ms)), 2), p99Ms: round(median(paced.map((x) => x.p99Ms)), 2),
          maxMs: round(median(paced.map((x) => x.maxMs)), 2), roundsP99Ms: paced.map((x) => x.p99Ms),
        },
      };
    }
    const rps = (name: TargetName) => results[name]?.rps ?? NaN;
    const compare = (edge: TargetName, plain: TargetName): EdgeComparison => {
      const ratios = full.get(edge)!.map((x, i) => round(x.wrk.rps / full.get(plain)![i]!.wrk.rps, 3));
      const gaps = moderate.get(edge)!.map((x, i) => round(x.p99Ms - moderate.get(plain)![i]!.p99Ms, 2));
      return { rpsRatio: round(median(ratios), 3), roundsRpsRatio: ratios, moderateP99GapMs: round(median(gaps), 2), roundsModerateP99GapMs: gaps };
    };
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
      edge: { nginx: compare('nginx_edge', 'nginx'), haproxy: compare('haproxy_edge', 'haproxy') },
    };
  } finally {
    for (const t of targets.reverse()) await t.stop();
    await redis?.cleanup();
    await upstream.stop();
  }
}

export { median };
