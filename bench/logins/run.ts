import { fileURLToPath } from 'node:url';
import { ask } from '../lib/ipc.js';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { cpuTicksOfTree, pinned, type Child } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import { startFactorgateProcess, workersEnv } from '../lib/factorgate_process.js';
import { startRedis } from '../lib/redis.js';
import { startBenchEdge, type BenchEdge } from '../lib/edge.js';
import type { Layout } from '../layout.js';
import type { CountJob, CountResult, ParkJob, ParkResult, RunJob, RunResult } from './driver.js';
import { countAllRequests, type RequestCountResults } from './request_counts.js';

// Logins per second through factorgate against the simulators (no added latency), for both
// paths, against the baseline client making the same exchanges directly; the same through
// factorgate with listen.workers 2 (Redis store, its redis-server's CPU counted as factorgate's);
// the same through nginx and HAProxy in edge mode in front of that same factorgate process, each
// compared with the logins straight to factorgate of the same round; the same through a factorgate
// that checks the password at the replay (gateway.passwordCheck: at_replay, the original order),
// against the default order (the gateway checks the password first and its session is held) of the
// same round; and the TCP connections factorgate opened to the two-factor server per 1,000 logins.

const DRIVER = fileURLToPath(new URL('./driver.ts', import.meta.url));
const SECTION_WARMUP_SECONDS = 5;

export type LoginSettings = { vus: number; usersPerVu: number; warmupSeconds: number; seconds: number; rounds: number };
/** A driver's result, with the CPU time factorgate and the simulators spent per login while it was measured. */
export type MeasuredRun = RunResult & { factorgateCpuMsPerLogin: number; simulatorsCpuMsPerLogin: number; driverCpuMsPerLogin: number; edgeCpuMsPerLogin?: number };
/**
 * Logins through an edge proxy in front of factorgate, against logins straight to factorgate in the
 * same rounds; and, read from each edge run alone, the share of a login's CPU (driver, edge,
 * factorgate, simulators) that the edge took: on a machine whose CPU is the limit, the edge
 * leaves about 1 − that share of the logins. It compares no two runs, so the machine's speed
 * moving between runs does not enter it.
 */
export type EdgeLogins = { run: MeasuredRun; roundsRatio: number[]; ratio: number; roundsCpuShare: number[]; cpuShare: number };
export type PathResult = {
  factorgate: MeasuredRun; baseline: MeasuredRun; roundsRatio: number[]; ratio: number;
  /** factorgate with listen.workers 2 and the Redis store. */
  workers2?: MeasuredRun; roundsRatioWorkers2?: number[]; ratioWorkers2?: number;
  /** In edge mode: nginx or HAProxy with the generated configuration, then factorgate. */
  edge?: { nginx: EdgeLogins; haproxy: EdgeLogins };
  /** The two password orders side by side: `ratio` is the default order's logins/s over at_replay's, round by round. */
  passwordOrder?: { atReplay: MeasuredRun; roundsRatio: number[]; ratio: number };
};
/** Connections opened to the two-factor server's API: in the measured (steady) part of the runs, and over everything including start-up. */
export type ConnectionResult = { logins: number; tfaConnections: number; per1000Logins: number; allLogins: number; allTfaConnections: number; per1000AllLogins: number };
export type LoginResults = {
  settings: LoginSettings;
  passcode: PathResult;
  device: PathResult;
  connections: { factorgate: ConnectionResult; baseline: ConnectionResult };
  /** HTTP requests per login at each server, counted before the timed runs. */
  requests: RequestCountResults;
};

/** Runs a driver to its end; `onPhase` is awaited at each PHASE line before the driver goes on. */
export async function runDriver<T extends RunResult | CountResult | ParkResult>(job: RunJob | CountJob | ParkJob, cpus: string | undefined, onPhase?: (name: string, driverPid: number) => Promise<void>): Promise<T> {
  const [cmd, argv] = pinned(cpus, process.execPath, ['--import', 'tsx', DRIVER]);
  const proc = spawn(cmd, argv, { env: { ...process.env, BENCH_JOB: JSON.stringify(job) }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  let result: T | undefined;
  for await (const line of createInterface({ input: proc.stdout })) {
    if (line.startsWith('PHASE ')) {
      await onPhase?.(line.slice('PHASE '.length), proc.pid!);
      proc.stdin.write('go\n');
    } else if (line.startsWith('RESULT ')) {
      result = JSON.parse(line.slice('RESULT '.length)) as T;
    }
  }
  const code = proc.exitCode ?? await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  if (!result || code !== 0) throw new Error(`login driver failed (${code}): ${stderr}`);
  return result;
}

type Via = 'factorgate' | 'baseline' | 'at_replay' | 'workers2' | 'nginx_edge' | 'haproxy_edge';
const EDGE_VIAS = { nginx_edge: 'nginx', haproxy_edge: 'haproxy' } as const;
type EdgeVia = keyof typeof EDGE_VIAS;
const isEdge = (via: Via): via is EdgeVia => via in EDGE_VIAS;

export async function runLogins(layout: Layout, settings: LoginSettings, sims: Child, log: (line: string) => void, withWorkers: boolean): Promise<LoginResults> {
  const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
  const trust = { FACTORGATE_TRUST_PROXY: '127.0.0.1' };
  const fg = await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, cpus: layout.proxy, extra: trust });
  const fgAtReplay = await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, cpus: layout.proxy, extra: { ...trust, FACTORGATE_GATEWAY_PASSWORD_CHECK: 'at_replay' } });
  const redis = withWorkers ? await startRedis({ cpus: layout.proxy }) : undefined;
  const fg2 = redis ? await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, cpus: layout.proxy, extra: { ...trust, ...workersEnv(2, redis.url) } }) : undefined;
  const edges: Partial<Record<EdgeVia, BenchEdge>> = {};
  const zero = () => ({ logins: 0, tfaConnections: 0, allLogins: 0, allTfaConnections: 0 });
  const connections = { factorgate: zero(), baseline: zero(), at_replay: zero(), workers2: zero(), nginx_edge: zero(), haproxy_edge: zero() };
  const tfaConnections = async () => (await ask<{ tfa: number }>(sims.proc, 'connections')).tfa;
  const empty = (): Record<Via, MeasuredRun[]> => ({ factorgate: [], baseline: [], at_replay: [], workers2: [], nginx_edge: [], haproxy_edge: [] });
  const runs = { passcode: empty(), device: empty() };
  let requests: RequestCountResults | undefined;
  const vias: Via[] = ['factorgate', 'at_replay', 'baseline', ...(fg2 ? ['workers2' as const] : []), 'nginx_edge', 'haproxy_edge'];
  // factorgate's CPU: the process and its workers, and with workers the redis-server they use.
  const fgTicks = (via: Via) => via === 'workers2' ? cpuTicksOfTree(fg2!.pid) + cpuTicksOfTree(redis!.pid) : via === 'at_replay' ? cpuTicksOfTree(fgAtReplay.pid) : cpuTicksOfTree(fg.pid);
  const edgeTicks = (via: Via) => isEdge(via) ? cpuTicksOfTree(edges[via]!.pid) : 0;
  const urlOf = (via: Via) => via === 'workers2' ? fg2!.url : via === 'at_replay' ? fgAtReplay.url : isEdge(via) ? edges[via]!.url : fg.url;
  try {
    requests = await countAllRequests({ fgUrl: fg.url, atReplayUrl: fgAtReplay.url, anakamUrl, gwUrl, sims, cpus: layout.loadgen });
    log(`logins: requests per login counted: ${JSON.stringify(requests.passcode.factorgate.byServer)} (passcode), ${JSON.stringify(requests.device.factorgate.byServer)} (device)`);
    for (const via of Object.keys(EDGE_VIAS) as EdgeVia[]) edges[via] = await startBenchEdge(EDGE_VIAS[via], { gatewayUrl: gwUrl, factorgateUrl: fg.url, anakamUrl, cpus: layout.proxy });
    // A factorgate process runs its first seconds under load slower (the JIT still at work, and
    // every process around it slower with it), which took a third off factorgate's first measured
    // round: each factorgate front gets one unmeasured run first. Its logins and connections still
    // count in the totals "including start-up".
    for (const via of vias.filter((v) => v !== 'baseline')) {
      const before = await tfaConnections();
      const warm = await runDriver<RunResult>({
        kind: 'run', via: 'factorgate', path: 'passcode', vus: settings.vus, usersPerVu: settings.usersPerVu, firstUser: 0,
        warmupSeconds: SECTION_WARMUP_SECONDS - 1, seconds: 1, fgUrl: urlOf(via), anakamUrl, gwUrl, bindClientAddress: isEdge(via),
      }, layout.loadgen);
      connections[via].allLogins += warm.allLogins;
      connections[via].allTfaConnections += (await tfaConnections()) - before;
      log(`logins: warming up ${via}: ${warm.allLogins} logins, not measured`);
    }
    for (let r = 0; r < settings.rounds; r++) {
      for (const path of ['passcode', 'device'] as const) {
        for (const via of vias) {
          const before = await tfaConnections();
          const timed: Record<string, number> = {};
          const cpu: Record<string, { fg: number; edge: number; sims: number; driver: number }> = {};
          const driven = await runDriver<RunResult>({
            kind: 'run', via: via === 'baseline' ? 'baseline' : 'factorgate', path, vus: settings.vus, usersPerVu: settings.usersPerVu, firstUser: path === 'passcode' ? 0 : settings.vus * settings.usersPerVu,
            warmupSeconds: settings.warmupSeconds, seconds: settings.seconds, fgUrl: urlOf(via), anakamUrl, gwUrl, bindClientAddress: isEdge(via),
          }, layout.loadgen, async (name, driverPid) => {
            timed[name] = await tfaConnections();
            cpu[name] = { fg: fgTicks(via), edge: edgeTicks(via), sims: cpuTicksOfTree(sims.pid), driver: cpuTicksOfTree(driverPid) };
          });
          const perLogin = (ticks: number) => round((ticks * 10) / Math.max(1, driven.logins), 2);
          const result: MeasuredRun = {
            ...driven,
            factorgateCpuMsPerLogin: perLogin(cpu['timed-end']!.fg - cpu['timed-start']!.fg),
            simulatorsCpuMsPerLogin: perLogin(cpu['timed-end']!.sims - cpu['timed-start']!.sims),
            driverCpuMsPerLogin: perLogin(cpu['timed-end']!.driver - cpu['timed-start']!.driver),
            ...(isEdge(via) ? { edgeCpuMsPerLogin: perLogin(cpu['timed-end']!.edge - cpu['timed-start']!.edge) } : {}),
          };
          const after = await tfaConnections();
          const c = connections[via];
          c.logins += result.logins;
          c.tfaConnections += timed['timed-end']! - timed['timed-start']!;
          c.allLogins += result.allLogins;
          c.allTfaConnections += after - before;
          runs[path][via].push(result);
          log(`logins: round ${r + 1}/${settings.rounds} ${path} via ${via}: ${result.loginsPerSecond}/s, p99 ${result.p99Ms} ms, ${result.failures} failed; CPU per login: driver ${result.driverCpuMsPerLogin} ms, factorgate ${result.factorgateCpuMsPerLogin} ms${isEdge(via) ? `, edge ${result.edgeCpuMsPerLogin} ms` : ''}, simulators ${result.simulatorsCpuMsPerLogin} ms; connections to the two-factor API: ${timed['timed-end']! - timed['timed-start']!} while measured, ${after - before} in all${result.firstErrors.length ? ` (${result.firstErrors[0]})` : ''}`);
        }
      }
    }
  } finally {
    for (const edge of Object.values(edges)) await edge.stop();
    await fg.stop();
    await fgAtReplay.stop();
    await fg2?.stop();
    await redis?.cleanup();
  }
  const pathResult = (p: 'passcode' | 'device'): PathResult => {
    const { factorgate, baseline, at_replay, workers2, nginx_edge, haproxy_edge } = runs[p];
    const ratiosOf = (list: MeasuredRun[]) => list.map((f, i) => round(f.loginsPerSecond / baseline[i]!.loginsPerSecond, 3));
    const mid = (list: MeasuredRun[]) => list.slice().sort((a, b) => a.loginsPerSecond - b.loginsPerSecond)[Math.floor(list.length / 2)]!;
    const ratios = ratiosOf(factorgate);
    const result: PathResult = { factorgate: mid(factorgate), baseline: mid(baseline), roundsRatio: ratios, ratio: round(median(ratios), 3) };
    if (workers2.length) {
      const r2 = ratiosOf(workers2);
      Object.assign(result, { workers2: mid(workers2), roundsRatioWorkers2: r2, ratioWorkers2: round(median(r2), 3) });
    }
    // An edge against the logins straight to factorgate of the same round.
    const againstStraight = (list: MeasuredRun[]): EdgeLogins => {
      const ratios = list.map((e, i) => round(e.loginsPerSecond / factorgate[i]!.loginsPerSecond, 3));
      const shares = list.map((e) => round(e.edgeCpuMsPerLogin! / (e.driverCpuMsPerLogin + e.factorgateCpuMsPerLogin + e.edgeCpuMsPerLogin! + e.simulatorsCpuMsPerLogin), 3));
      return { run: mid(list), roundsRatio: ratios, ratio: round(median(ratios), 3), roundsCpuShare: shares, cpuShare: round(median(shares), 3) };
    };
    result.edge = { nginx: againstStraight(nginx_edge), haproxy: againstStraight(haproxy_edge) };
    const orderRatios = factorgate.map((f, i) => round(f.loginsPerSecond / at_replay[i]!.loginsPerSecond, 3));
    result.passwordOrder = { atReplay: mid(at_replay), roundsRatio: orderRatios, ratio: round(median(orderRatios), 3) };
    return result;
  };
  const per1000 = (c: ReturnType<typeof zero>): ConnectionResult => ({
    ...c, per1000Logins: round((c.tfaConnections / c.logins) * 1000, 2), per1000AllLogins: round((c.allTfaConnections / c.allLogins) * 1000, 2),
  });
  return {
    settings,
    passcode: pathResult('passcode'),
    device: pathResult('device'),
    connections: { factorgate: per1000(connections.factorgate), baseline: per1000(connections.baseline) },
    requests: requests!,
  };
}
