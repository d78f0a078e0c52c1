import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { freePort, freeze, killProcess } from './processes.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

export type RedisServer = {
  url: string;
  port: number;
  /** Kills the server (SIGKILL) and removes its directory. Safe to call twice. */
  stop(): Promise<void>;
  /** Kills the server if it runs and starts a fresh one on the same port: after `stop()`, ends an outage. */
  restart(): Promise<void>;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers. Resolves once it is frozen. */
  pause(): Promise<void>;
  resume(): void;
};

/**
 * A real redis-server on a free 127.0.0.1 port, nothing kept on disk, ready when this resolves.
 * No Docker: the Debian package (scripts/ensure-system-packages.sh installs it for CI).
 */
export async function startRedisServer(options: { password?: string; args?: string[] } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-redis-'));
  const port = await freePort();
  const extra = [...(options.password === undefined ? [] : ['--requirepass', options.password]), ...(options.args ?? [])];
  let child = await launch(port, dir, extra);
  // A test run that ends without stop() must not leave a server behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);

  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      await killProcess(child);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await killProcess(child);
      mkdirSync(dir, { recursive: true });
      child = await launch(port, dir, extra);
    },
    pause: () => freeze(child, 'redis-server'),
    resume: () => void child.kill('SIGCONT'),
  };
}

async function launch(port: number, dir: string, extra: string[]): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning', ...extra];
  const child = spawn(REDIS_SERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}) before answering:\n${output}`)));
  });
  exited.catch(() => undefined);
  try {
    await Promise.race([untilPing(port, 5000), exited]);
  } catch (err) {
    await killProcess(child);
    throw err;
  }
  return child;
}

async function untilPing(port: number, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (await answersPing(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`redis-server on port ${port} did not answer PING within ${withinMs} ms`);
}

/** Whether a redis-server answers PING on 127.0.0.1:port (-NOAUTH counts: it is up). Also used by the bench. */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => finish(false));
    socket.once('error', () => finish(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // A server that wants a password answers -NOAUTH: it is up all the same.
    socket.once('data', (data) => finish(/^(\+PONG|-NOAUTH)/.test(data.toString())));
  });
}
