import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { createInterface } from 'node:readline';

// Child processes of the bench: started (optionally pinned to CPUs with taskset), awaited until
// they print a READY line, their CPU time read from /proc, and stopped by their own pid only.

export type Child = {
  name: string;
  proc: ChildProcess;
  pid: number;
  /** What followed READY on the child's stdout (usually its URL). */
  ready: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
};

export type StartOptions = {
  name: string;
  /** taskset CPU list such as "0" or "0,1"; absent: not pinned. */
  cpus?: string;
  env?: NodeJS.ProcessEnv;
  ipc?: boolean;
  timeoutMs?: number;
  /** Wait for this instead of a READY line (for programs that print nothing). */
  until?: () => Promise<boolean>;
};

const children = new Set<ChildProcess>();

export function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

export async function startChild(command: string, args: string[], options: StartOptions): Promise<Child> {
  const [cmd, argv] = pinned(options.cpus, command, args);
  const spawnOptions: SpawnOptions = {
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'],
  };
  const proc = spawn(cmd, argv, spawnOptions);
  children.add(proc);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => { children.delete(proc); resolve(); }));
  const stderr: string[] = [];
  proc.stderr!.on('data', (chunk: Buffer) => { stderr.push(chunk.toString()); if (stderr.length > 50) stderr.shift(); });
  const ready = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} did not start in time: ${stderr.join('').slice(-2000)}`)), options.timeoutMs ?? 20_000);
    proc.once('exit', (code) => reject(new Error(`${options.name} exited (${code}) before it was ready: ${stderr.join('').slice(-2000)}`)));
    if (options.until) {
      const poll = async () => {
        while (proc.exitCode === null) {
          if (await options.until!().catch(() => false)) return resolve('');
          await sleep(50);
        }
      };
      void poll().finally(() => clearTimeout(timer));
      proc.stdout!.resume();
      return;
    }
    const lines = createInterface({ input: proc.stdout! });
    lines.on('line', (line) => {
      const match = /^READY ?(.*)$/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
  });
  return {
    name: options.name,
    proc,
    pid: proc.pid!,
    ready,
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      proc.kill(signal);
      const killer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(killer);
    },
  };
}

/** Runs a program to its end and returns its stdout (stderr on failure). */
export async function runToEnd(command: string, args: string[], options: { cpus?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<string> {
  const [cmd, argv] = pinned(options.cpus, command, args);
  const proc = spawn(cmd, argv, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(proc);
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => { out += c.toString(); });
  proc.stderr.on('data', (c: Buffer) => { err += c.toString(); });
  const timer = setTimeout(() => proc.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const code = await new Promise<number | null>((resolve) => proc.once('close', resolve));
  clearTimeout(timer);
  children.delete(proc);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}): ${err.slice(-2000)}`);
  return out;
}

/** Stops every child still running (on error or Ctrl-C), each by its own pid. */
export function killAllChildren(): void {
  for (const proc of children) proc.kill('SIGKILL');
}

/** CPU time (user + system, in clock ticks of 10 ms) of a process and all its descendants. */
export function cpuTicksOfTree(rootPid: number): number {
  const { user, system } = userSystemTicksOfTree(rootPid);
  return user + system;
}

/** User and system CPU time (clock ticks of 10 ms) of a process and all its descendants (nginx's workers, cluster workers). */
export function userSystemTicksOfTree(rootPid: number): { user: number; system: number } {
  const stats = new Map<number, { ppid: number; user: number; system: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(entry), { ppid: Number(fields[1]), user: Number(fields[11]), system: Number(fields[12]) });
    } catch {
      // the process ended meanwhile
    }
  }
  const total = { user: 0, system: 0 };
  const walk = (pid: number) => {
    total.user += stats.get(pid)?.user ?? 0;
    total.system += stats.get(pid)?.system ?? 0;
    for (const [child, s] of stats) if (s.ppid === pid) walk(child);
  };
  walk(rootPid);
  return total;
}

/**
 * CPU ticks of the whole machine from /proc/stat: busy counts only time charged to processes
 * (user, nice, system), not interrupts: loopback traffic is mostly softirq time, charged to no one.
 */
export function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const [user = 0, nice = 0, system = 0, ...rest] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: user + nice + system, total: user + nice + system + rest.reduce((a, b) => a + b, 0) };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
