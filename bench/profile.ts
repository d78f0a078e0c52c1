import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { summarizeProfile, type ProfileSummary } from './lib/cpu_profile.js';
import { startFactorgateProcess } from './lib/factorgate_process.js';
import { cpuTicksOfTree, startChild, userSystemTicksOfTree } from './lib/proc.js';
import { freePort } from './lib/net.js';
import { startNginx } from './passthrough/nginx.js';
import { median, round } from './lib/stats.js';
import { LOGIN_LAYOUT, PASSTHROUGH_LAYOUT } from './layout.js';
import { runWrk } from './passthrough/wrk.js';
import { runDriver } from './logins/run.js';
import { runLoginFloors, type FloorRow } from './logins/floor.js';
import type { RunResult } from './logins/driver.js';

const round1 = (x: number) => round(x, 1);
const MODERATE_ROUNDS = 5;

// npm run bench -- --profile: factorgate under node --cpu-prof under pass-through load and under
// passcode and device logins, in the same layouts as the measured runs; beside it the reference
// servers that tell factorgate's cost from Node's: nginx and two bare Node proxies (CPU per
// request, latency at moderate load), and the login floor (its profile, and logins/s against the
// baseline next to factorgate's). Summaries go to bench/results/profile.json (what README.md
// cites), the raw .cpuprofile files to bench/results/profiles/ (open them in Chrome DevTools).

const UPSTREAM = fileURLToPath(new URL('./passthrough/upstream.ts', import.meta.url));
const FLOOR = fileURLToPath(new URL('./passthrough/floor_proxy.ts', import.meta.url));
const LOGIN_FLOOR = fileURLToPath(new URL('./logins/floor_server.ts', import.meta.url));
const SIMS = fileURLToPath(new URL('./logins/sims_host.ts', import.meta.url));

/** Inclusive time of these functions (name and file prefixes, as the summary labels them). */
const WATCH = [
  'classify guard.js', 'dropUntrustedForwarding front_door.js', '(anonymous) http-proxy-middleware.js', 'stream web-incoming.js', 'setupOutgoing common.js',
  'request node:http', 'ClientRequest node:_http_client', 'parserOnIncoming', 'request Axios.js', 'call client.js', 'parseReply xml.js',
  'buildChallengeRequest xml.js', 'injectIntoLoginPage', 'handle ', 'replay replay.js', 'begin begin.js', '(anonymous) answer.js',
];

/** CPU per proxied request of factorgate and of the bare Node proxies it is built from, same load and layout, no profiler. */
export type Floor = { proxy: string; rps: number; cpuUsPerRequest: number; userUsPerRequest: number; systemUsPerRequest: number; medianRps?: number; rpsToNginx?: number };
/** Latency of each at the bench's moderate load (median of the rounds), and its p99 above direct's. */
export type ModerateFloor = { proxy: string; p50Ms: number; p99Ms: number; p99AboveDirectMs: number; roundsP99Ms: number[] };

export type Profiled = { workload: string; units: number; unit: string; cpuMsPerUnit: number; summary: ProfileSummary };

type Profilable = { pid: number; url: string; stop(): Promise<void> };

/** Starts a process with the profiler's arguments, loads it, and sums its profile. */
async function profiled(name: string, unit: string, dir: string, start: (nodeArgs: string[]) => Promise<Profilable>, load: (url: string) => Promise<number>): Promise<Profiled> {
  const out = `${dir}${name}/`;
  rmSync(out, { recursive: true, force: true });
  const subject = await start(['--cpu-prof', `--cpu-prof-dir=${out}`]);
  const ticks0 = cpuTicksOfTree(subject.pid);
  const units = await load(subject.url);
  const ticks = cpuTicksOfTree(subject.pid) - ticks0;
  await subject.stop(); // the profile is written as the process exits
  // The main thread's profile is the largest (tsx's loader thread writes a small one of its own).
  const file = readdirSync(out).filter((f) => f.endsWith('.cpuprofile')).sort((a, b) => statSync(`${out}${b}`).size - statSync(`${out}${a}`).size)[0]!;
  return { workload: name, units, unit, cpuMsPerUnit: round((ticks * 10) / units, 4), summary: summarizeProfile(`${out}${file}`, 25, WATCH) };
}

const factorgate = (o: { gatewayUrl: string; anakamUrl: string; cpus?: string; extra?: NodeJS.ProcessEnv }) => (nodeArgs: string[]) => startFactorgateProcess({ ...o, nodeArgs });

export async function runProfiles(log: (line: string) => void, resultsDir: string): Promise<Profiled[]> {
  const dir = `${resultsDir}profiles/`;
  mkdirSync(dir, { recursive: true });
  const results: Profiled[] = [];

  const upstream = await startChild(process.execPath, ['--import', 'tsx', UPSTREAM], { name: 'upstream', cpus: PASSTHROUGH_LAYOUT.upstream });
  const floors: Floor[] = [];
  const moderate: ModerateFloor[] = [];
  try {
    // nginx and the three Node proxies side by side, three interleaved rounds, the median round of each.
    const proxies: Array<{ proxy: string; url: string; pid: number; stop(): Promise<void> }> = [];
    const nginxPort = await freePort();
    const nginx = await startNginx({ upstreamPort: Number(new URL(upstream.ready).port), port: nginxPort, workers: 2, cpus: PASSTHROUGH_LAYOUT.proxy });
    proxies.push({ proxy: 'nginx', url: `http://127.0.0.1:${nginxPort}/bench/hello`, pid: nginx.pid, stop: () => nginx.cleanup() });
    for (const proxy of ['node-pipe', 'http-proxy-middleware', 'factorgate'] as const) {
      const child = proxy === 'factorgate'
        ? await startFactorgateProcess({ gatewayUrl: upstream.ready, anakamUrl: 'http://127.0.0.1:9', cpus: PASSTHROUGH_LAYOUT.proxy })
        : await startChild(process.execPath, ['--import', 'tsx', FLOOR], { name: proxy, cpus: PASSTHROUGH_LAYOUT.proxy, env: { BENCH_MODE: proxy === 'node-pipe' ? 'pipe' : 'hpm', BENCH_GATEWAY_URL: upstream.ready } });
      proxies.push({ proxy, url: `${String('url' in child ? child.url : child.ready)}/bench/hello`, pid: child.pid, stop: () => child.stop() });
    }
    const rounds = new Map<string, Floor[]>();
    try {
      for (const p of proxies) await runWrk({ url: p.url, connections: 32, seconds: 2, cpus: PASSTHROUGH_LAYOUT.loadgen });
      for (let r = 0; r < 3; r++) {
        for (const p of proxies) {
          log(`profile: CPU per request of ${p.proxy}, round ${r + 1}/3`);
          const before = userSystemTicksOfTree(p.pid);
          const w = await runWrk({ url: p.url, connections: 32, seconds: 6, cpus: PASSTHROUGH_LAYOUT.loadgen });
          const after = userSystemTicksOfTree(p.pid);
          const per = (ticks: number) => round1((ticks * 10_000) / w.requests);
          rounds.set(p.proxy, [...(rounds.get(p.proxy) ?? []), {
            proxy: p.proxy, rps: w.rps, cpuUsPerRequest: per(after.user + after.system - before.user - before.system),
            userUsPerRequest: per(after.user - before.user), systemUsPerRequest: per(after.system - before.system),
          }]);
        }
      }
      // The moderate load of the measured run (16 paced connections), direct and through each; five
      // rounds, as a p99 on this shared machine is easily moved by one burst of outside load.
      const paced = new Map<string, Array<{ p50Ms: number; p99Ms: number }>>();
      const latencyTargets = [{ proxy: 'direct', url: `${upstream.ready}/bench/hello` }, ...proxies];
      for (let r = 0; r < MODERATE_ROUNDS; r++) {
        for (const p of latencyTargets) {
          log(`profile: latency at moderate load of ${p.proxy}, round ${r + 1}/${MODERATE_ROUNDS}`);
          const w = await runWrk({ url: p.url, connections: 16, seconds: 5, paceMs: 5, cpus: PASSTHROUGH_LAYOUT.loadgen });
          paced.set(p.proxy, [...(paced.get(p.proxy) ?? []), { p50Ms: w.p50Ms, p99Ms: w.p99Ms }]);
        }
      }
      const directP99 = median(paced.get('direct')!.map((x) => x.p99Ms));
      for (const [proxy, list] of paced) {
        const p99 = median(list.map((x) => x.p99Ms));
        moderate.push({ proxy, p50Ms: median(list.map((x) => x.p50Ms)), p99Ms: p99, p99AboveDirectMs: round(p99 - directP99, 2), roundsP99Ms: list.map((x) => x.p99Ms) });
      }
    } finally {
      for (const p of proxies) await p.stop();
    }
    // CPU: the median round of each; requests/s: the median of its rounds, and that against nginx's.
    const medianRps = (proxy: string) => median(rounds.get(proxy)!.map((x) => x.rps));
    for (const [proxy, list] of rounds) {
      floors.push({ ...list.slice().sort((a, b) => a.cpuUsPerRequest - b.cpuUsPerRequest)[1]!, medianRps: medianRps(proxy), rpsToNginx: round(medianRps(proxy) / medianRps('nginx'), 3) });
    }
    log('profile: pass-through under wrk (32 connections, 10 s)');
    results.push(await profiled('passthrough', 'request', dir, factorgate({ gatewayUrl: upstream.ready, anakamUrl: 'http://127.0.0.1:9', cpus: PASSTHROUGH_LAYOUT.proxy }), async (url) => {
      await runWrk({ url: `${url}/bench/hello`, connections: 32, seconds: 2, cpus: PASSTHROUGH_LAYOUT.loadgen });
      const w = await runWrk({ url: `${url}/bench/hello`, connections: 32, seconds: 10, cpus: PASSTHROUGH_LAYOUT.loadgen });
      return w.requests + Math.round(w.rps * 2);
    }));
  } finally {
    await upstream.stop();
  }

  let loginFloors: FloorRow[];
  const sims = await startChild(process.execPath, ['--import', 'tsx', SIMS], { name: 'simulators', ipc: true, env: { BENCH_USERS: '1000' } });
  try {
    const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
    for (const path of ['passcode', 'device'] as const) {
      log(`profile: ${path} logins (32 virtual users, 10 s)`);
      results.push(await profiled(`logins-${path}`, 'login', dir, factorgate({ gatewayUrl: gwUrl, anakamUrl, cpus: LOGIN_LAYOUT.proxy, extra: { FACTORGATE_TRUST_PROXY: '127.0.0.1' } }), async (url) => {
        const r = await runDriver<RunResult>({
          kind: 'run', via: 'factorgate', path, vus: 32, usersPerVu: 4, firstUser: path === 'passcode' ? 0 : 128, warmupSeconds: 2, seconds: 10, fgUrl: url, anakamUrl, gwUrl,
        }, LOGIN_LAYOUT.loadgen);
        return r.allLogins;
      }));
      log(`profile: ${path} logins through the login floor (32 virtual users, 10 s)`);
      results.push(await profiled(`logins-${path}-floor`, 'login', dir, (nodeArgs) => startChild(process.execPath, [...nodeArgs, '--import', 'tsx', LOGIN_FLOOR], {
        name: 'login floor', cpus: LOGIN_LAYOUT.proxy, env: { BENCH_TFA_URL: anakamUrl, BENCH_GATEWAY_URL: gwUrl },
      }).then((child) => ({ ...child, url: child.ready })), async (url) => {
        const r = await runDriver<RunResult>({
          kind: 'run', via: 'factorgate', path, vus: 32, usersPerVu: 4, firstUser: path === 'passcode' ? 640 : 768, warmupSeconds: 2, seconds: 10, fgUrl: url, anakamUrl, gwUrl,
        }, LOGIN_LAYOUT.loadgen);
        return r.allLogins;
      }));
    }
    loginFloors = await runLoginFloors(sims, LOGIN_LAYOUT, 2, log);
  } finally {
    await sims.stop();
  }
  for (const f of floors) log(`profile: ${f.proxy}: ${f.medianRps} requests/s (${f.rpsToNginx}× nginx), ${f.cpuUsPerRequest} µs CPU per request (user ${f.userUsPerRequest}, system ${f.systemUsPerRequest})`);
  for (const m of moderate) log(`profile: moderate load, ${m.proxy}: p50 ${m.p50Ms} ms, p99 ${m.p99Ms} ms (${m.p99AboveDirectMs} ms above direct)`);
  for (const r of results) {
    log(`profile ${r.workload}: ${r.cpuMsPerUnit} ms CPU per ${r.unit}; by area: ${r.summary.byArea.slice(0, 8).map((a) => `${a.name} ${a.share}%`).join(', ')}`);
  }
  for (const f of loginFloors) log(`profile: ${f.path} logins via ${f.front}: ${f.ratioToBaseline}× the baseline (rounds ${f.roundsRatio.join(', ')}); CPU ms per login: driver ${f.cpuMsPerLogin.driver} + front ${f.cpuMsPerLogin.front} + simulators ${f.cpuMsPerLogin.simulators} = ${f.cpuMsPerLogin.total}`);
  const loginGap = (['passcode', 'device'] as const).map((path) => ({ path, byArea: gapByArea(results.find((r) => r.workload === `logins-${path}`)!, results.find((r) => r.workload === `logins-${path}-floor`)!) }));
  for (const g of loginGap) log(`profile: ${g.path} login, factorgate's CPU above the floor's, µs per login under the profiler: ${g.byArea.slice(0, 10).map((a) => `${a.area} ${a.extraUs}`).join(', ')}`);
  writeFileSync(`${resultsDir}profile.json`, JSON.stringify({ date: new Date().toISOString(), passthroughCpu: floors, passthroughModerate: moderate, loginFloors, loginGap, profiles: results }, null, 2) + '\n');
  log('written to bench/results/profile.json; raw profiles in bench/results/profiles/');
  return results;
}

/** Where factorgate's CPU per login goes beyond the floor's: each area's µs per login in both profiles, largest difference first. */
function gapByArea(fg: Profiled, floor: Profiled): Array<{ area: string; factorgateUs: number; floorUs: number; extraUs: number }> {
  const usOf = (p: Profiled) => new Map(p.summary.byArea.map((a) => [a.name, (a.share / 100) * p.cpuMsPerUnit * 1000]));
  const a = usOf(fg);
  const b = usOf(floor);
  return [...new Set([...a.keys(), ...b.keys()])]
    .map((area) => ({ area, factorgateUs: Math.round(a.get(area) ?? 0), floorUs: Math.round(b.get(area) ?? 0), extraUs: Math.round((a.get(area) ?? 0) - (b.get(area) ?? 0)) }))
    .sort((x, y) => y.extraUs - x.extraUs);
}
