import { execSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { nginxVersion } from '../passthrough/nginx.js';
import { wrkVersion } from '../passthrough/wrk.js';
import { edgeVersion } from '../../src/edge/run_edge.js';

export type Machine = {
  date: string;
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  nginx: string;
  haproxy: string;
  wrk: string;
  /** 1-minute load average when the bench started: above ~0.5 something else was running. */
  loadAverageAtStart: number;
  commit: string;
};

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function commit(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- src', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head} (src/ modified)` : head;
  } catch {
    return 'unknown';
  }
}

export async function describeMachine(): Promise<Machine> {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    kernel: release(),
    node: process.version,
    nginx: nginxVersion(),
    haproxy: edgeVersion('haproxy') ?? 'not installed',
    wrk: wrkVersion(),
    loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100,
    commit: commit(),
  };
}
