import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { runToEnd } from '../lib/proc.js';

// Debian's wrk as the load generator. A Lua done() hook prints the exact numbers as JSON
// (latency in microseconds); an optional delay() hook paces each connection for the
// moderate-load runs: a random pause of 0 to 2 × paceMs (whole milliseconds) after each answer,
// so the connections do not fire in lockstep (bursts of 16 would measure queueing, not the proxy),
// and the same sequence of pauses for every target (one wrk thread, Lua's default seed).

export type WrkResult = {
  requests: number;
  seconds: number;
  rps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Connect, read, write and timeout errors. */
  errors: number;
  non2xx: number;
};

export type WrkRun = {
  url: string;
  connections: number;
  seconds: number;
  /** Mean pause of each connection between its requests, for a paced load. */
  paceMs?: number;
  cpus?: string;
};

const REPORT = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('WRKJSON {"requests":%d,"durationUs":%d,"errors":%d,"non2xx":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\\n',
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
`;

let scriptDir: string | undefined;

function script(paceMs: number | undefined): string {
  if (scriptDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'factorgate-bench-wrk-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    scriptDir = dir;
  }
  const file = join(scriptDir, paceMs === undefined ? 'report.lua' : `paced-${paceMs}.lua`);
  writeFileSync(file, (paceMs === undefined ? '' : `delay = function() return math.random(0, ${2 * paceMs}) end\n`) + REPORT);
  return file;
}

export async function runWrk(run: WrkRun): Promise<WrkResult> {
  const args = ['-t1', `-c${run.connections}`, `-d${run.seconds}s`, '--timeout', '5s', '-s', script(run.paceMs), run.url];
  const out = await runToEnd('wrk', args, { cpus: run.cpus, timeoutMs: (run.seconds + 30) * 1000 });
  const line = out.split('\n').find((l) => l.startsWith('WRKJSON '));
  if (!line) throw new Error(`wrk printed no result:\n${out}`);
  const raw = JSON.parse(line.slice('WRKJSON '.length)) as Record<string, number>;
  const seconds = raw.durationUs! / 1e6;
  const ms = (us: number | undefined) => Math.round((us ?? 0) / 10) / 100;
  return {
    requests: raw.requests!,
    seconds: Math.round(seconds * 100) / 100,
    rps: Math.round(raw.requests! / seconds),
    p50Ms: ms(raw.p50Us),
    p90Ms: ms(raw.p90Us),
    p99Ms: ms(raw.p99Us),
    maxMs: ms(raw.maxUs),
    errors: raw.errors!,
    non2xx: raw.non2xx!,
  };
}

export function wrkVersion(): string {
  // wrk -v prints its version (on stdout or stderr) and exits 1.
  const out = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  return /wrk \S+/.exec(`${out.stdout}${out.stderr}`)?.[0] ?? 'wrk';
}
