import { fileURLToPath } from 'node:url';
import { startFactorgateProcess } from '../lib/factorgate_process.js';
import { cpuTicksOfTree, startChild, type Child } from '../lib/proc.js';
import { median, round } from '../lib/stats.js';
import type { Layout } from '../layout.js';
import type { RunResult } from './driver.js';
import { runDriver } from './run.js';

// For the profile: how close any Node front can come to the baseline on these logins. The same
// driver logs in through the login floor (floor_server.ts: the baseline's exchanges behind a bare
// node:http server), through factorgate, and as the baseline client, in interleaved rounds; CPU
// per login of every process is read from /proc. On a machine the logins saturate, the ratio to
// the baseline follows the CPU each login costs in all: a front adds its own work and a browser
// (the driver) to what the baseline client does, so the floor's ratio is the most a Node front
// with these HTTP clients can reach here.

const FLOOR = fileURLToPath(new URL('./floor_server.ts', import.meta.url));

type Front = 'floor' | 'factorgate' | 'baseline';
export type FloorRun = { front: Front; path: 'passcode' | 'device'; loginsPerSecond: number; driverCpuMs: number; frontCpuMs: number; simulatorsCpuMs: number; failures: number };
export type FloorRow = { front: Front; path: 'passcode' | 'device'; loginsPerSecond: number; ratioToBaseline: number; roundsRatio: number[]; cpuMsPerLogin: { driver: number; front: number; simulators: number; total: number } };

export async function runLoginFloors(sims: Child, layout: Layout, rounds: number, log: (line: string) => void): Promise<FloorRow[]> {
  const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
  const floor = await startChild(process.execPath, ['--import', 'tsx', FLOOR], { name: 'login floor', cpus: layout.proxy, env: { BENCH_TFA_URL: anakamUrl, BENCH_GATEWAY_URL: gwUrl } });
  const fg = await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, cpus: layout.proxy, extra: { FACTORGATE_TRUST_PROXY: '127.0.0.1' } });
  const runs: FloorRun[] = [];
  try {
    for (let r = 0; r < rounds; r++) {
      for (const path of ['passcode', 'device'] as const) {
        // Each front and path its own users (users 256-639; the profiles before use 0-255).
        for (const [i, front] of (['floor', 'factorgate', 'baseline'] as const).entries()) {
          const pid = front === 'floor' ? floor.pid : front === 'factorgate' ? fg.pid : undefined;
          const ticks: Record<string, { front: number; sims: number; driver: number }> = {};
          const driven = await runDriver<RunResult>({
            kind: 'run', via: front === 'baseline' ? 'baseline' : 'factorgate', path, vus: 32, usersPerVu: 2,
            firstUser: 256 + (path === 'device' ? 192 : 0) + i * 64, warmupSeconds: 2, seconds: 5,
            fgUrl: front === 'floor' ? floor.ready : fg.url, anakamUrl, gwUrl,
          }, layout.loadgen, async (phase, driverPid) => {
            ticks[phase] = { front: pid ? cpuTicksOfTree(pid) : 0, sims: cpuTicksOfTree(sims.pid), driver: cpuTicksOfTree(driverPid) };
          });
          const per = (key: 'front' | 'sims' | 'driver') => round(((ticks['timed-end']![key] - ticks['timed-start']![key]) * 10) / Math.max(1, driven.logins), 2);
          runs.push({ front, path, loginsPerSecond: driven.loginsPerSecond, driverCpuMs: per('driver'), frontCpuMs: per('front'), simulatorsCpuMs: per('sims'), failures: driven.failures });
          log(`profile: ${path} logins via ${front}, round ${r + 1}/${rounds}: ${driven.loginsPerSecond}/s, ${driven.failures} failed${driven.firstErrors.length ? ` (${driven.firstErrors[0]})` : ''}`);
        }
      }
    }
  } finally {
    await fg.stop();
    await floor.stop();
  }
  const rows: FloorRow[] = [];
  for (const path of ['passcode', 'device'] as const) {
    const baseline = runs.filter((x) => x.path === path && x.front === 'baseline');
    for (const front of ['floor', 'factorgate', 'baseline'] as const) {
      const mine = runs.filter((x) => x.path === path && x.front === front);
      const ratios = mine.map((x, i) => round(x.loginsPerSecond / baseline[i]!.loginsPerSecond, 3));
      const mid = (key: 'driverCpuMs' | 'frontCpuMs' | 'simulatorsCpuMs' | 'loginsPerSecond') => round(median(mine.map((x) => x[key])), 2);
      const cpu = { driver: mid('driverCpuMs'), front: mid('frontCpuMs'), simulators: mid('simulatorsCpuMs') };
      rows.push({ front, path, loginsPerSecond: mid('loginsPerSecond'), ratioToBaseline: round(median(ratios), 3), roundsRatio: ratios, cpuMsPerLogin: { ...cpu, total: round(cpu.driver + cpu.front + cpu.simulators, 2) } });
    }
  }
  return rows;
}
