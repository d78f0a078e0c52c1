// A real nginx or HAProxy running the configuration `factorgate edge` prints, for the demo, the
// tests and the bench: the generated file as it is, wrapped only in what a standalone process on
// loopback needs (its own directory for the pid, temporary files and the refusal log). Stopped by
// its own pid; its directory is removed after.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { freePort } from '../ops/free_port.js';
import { edgeSetup, type EdgeOptions } from './setup.js';
import { nginxConfig } from './nginx.js';
import { haproxyConfig } from './haproxy.js';

export const EDGE_KINDS = ['nginx', 'haproxy'] as const;
export type EdgeKind = (typeof EDGE_KINDS)[number];

/** The Debian package that brings each edge proxy (nginx-light is enough: no module beyond the core). */
export const EDGE_PACKAGES: Record<EdgeKind, string> = { nginx: 'nginx-light', haproxy: 'haproxy' };

/** Where Debian installs them (/usr/sbin is not on every user's PATH); `command` names others. */
export const EDGE_COMMANDS: Record<EdgeKind, string> = { nginx: '/usr/sbin/nginx', haproxy: '/usr/sbin/haproxy' };

export type RunningEdge = {
  kind: EdgeKind;
  url: string;
  pid: number;
  /** The generated configuration it runs, and the file its refusals are logged to (one JSON line each). */
  configFile: string;
  logFile: string;
  /** The refusal log's lines so far. */
  lines(): Array<Record<string, unknown>>;
  stop(): Promise<void>;
};

export type EdgeRunOptions = Pick<EdgeOptions, 'factorgateUrl' | 'serverName' | 'certificate' | 'certificateKey'> & {
  /** On 127.0.0.1; a free port when not given. */
  port?: number;
  /** nginx worker processes, HAProxy threads; default 1. */
  workers?: number;
  /** The proxy's executable, when not where Debian installs it (EDGE_COMMANDS). */
  command?: string;
  /** Prefix the command with this (the bench's taskset). */
  wrap?: (command: string, args: string[]) => [string, string[]];
};

/** The edge proxy's version, or undefined when it is not installed. */
export function edgeVersion(kind: EdgeKind, command = EDGE_COMMANDS[kind]): string | undefined {
  const out = spawnSync(command, ['-v'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) return undefined;
  const text = `${out.stdout}${out.stderr}`;
  return (kind === 'nginx' ? /nginx\/(\S+)/ : /version (\S+)/).exec(text)?.[1] ?? 'unknown';
}

export async function startEdgeProxy(kind: EdgeKind, config: Config, options: EdgeRunOptions): Promise<RunningEdge> {
  const dir = mkdtempSync(join(tmpdir(), `factorgate-edge-${kind}-`));
  chmodSync(dir, 0o755); // nginx's workers drop to an unprivileged user when started as root
  const port = options.port ?? (await freePort());
  const workers = options.workers ?? 1;
  const executable = options.command ?? EDGE_COMMANDS[kind];
  const log = join(dir, 'refusals.log');
  let command: [string, string[]];
  const configFile = join(dir, kind === 'nginx' ? 'factorgate-edge.conf' : 'haproxy.cfg');
  if (kind === 'nginx') {
    writeFileSync(configFile, nginxConfig(edgeSetup(config, { ...options, listen: `127.0.0.1:${port}`, log })));
    writeFileSync(join(dir, 'nginx.conf'), nginxMain(dir, workers));
    command = [executable, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')]];
  } else {
    const generated = haproxyConfig(edgeSetup(config, { ...options, listen: `127.0.0.1:${port}`, log: 'stdout format raw local0' }));
    // The only addition: threads, which a packaged HAProxy sets to the number of cores.
    writeFileSync(configFile, generated.replace(/^global$/m, `global\n    nbthread ${workers}`));
    command = [executable, ['-db', '-f', configFile]];
  }
  const [cmd, args] = options.wrap ? options.wrap(...command) : command;
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // The proxy's own last words, for an error should it not start.
  const output: string[] = [];
  const keep = (lines: string[]) => {
    output.push(...lines);
    output.splice(0, Math.max(0, output.length - 100));
  };
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const text = partial + chunk.toString();
    const complete = text.split('\n');
    partial = complete.pop()!;
    // HAProxy logs to its stdout here: its JSON lines go to the refusal log, as nginx writes its own.
    const json = complete.filter((line) => line.startsWith('{'));
    if (json.length > 0) appendFileSync(log, json.map((line) => `${line}\n`).join(''));
    keep(complete.filter((line) => !line.startsWith('{')));
  });
  child.stderr.on('data', (chunk: Buffer) => keep(chunk.toString().split('\n')));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  try {
    await untilListening(child, port, () => `${kind} did not start:\n${output.slice(-40).join('\n')}${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8').slice(-2000) : ''}`);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    kind,
    configFile,
    logFile: log,
    url: `${options.certificate ? 'https' : 'http'}://127.0.0.1:${port}`,
    pid: child.pid!,
    lines: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>) : []),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(killer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** nginx's main file around the generated one: everything in `dir`, in the foreground, with the `pcre_jit on;` the generated file asks for. */
function nginxMain(dir: string, workers: number): string {
  return nginxMainAround(dir, workers, `include ${dir}/factorgate-edge.conf;`);
}

/**
 * An nginx main file for a private instance: its pid, log and temporary files all in `dir`, in
 * the foreground, no access log, with `httpBlock` inside `http { }`. The bench runs its plain
 * reference nginx in the same frame, so that only the http block differs between the two.
 */
export function nginxMainAround(dir: string, workers: number, httpBlock: string): string {
  return `worker_processes ${workers};
pcre_jit on;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${httpBlock}
}
`;
}


async function untilListening(child: ChildProcess, port: number, failure: () => string): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(failure());
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}
