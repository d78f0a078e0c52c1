import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from './proc.js';
import { freePort } from './net.js';
import { answersPing } from '../../test/helpers/redis_server.js';

// Debian's redis-server for factorgate with listen.workers > 1 (which needs the Redis store):
// 127.0.0.1, a free port, nothing kept on disk; stopped and its directory removed after.

export type BenchRedis = Child & { url: string; cleanup(): Promise<void> };

export async function startRedis(o: { cpus?: string } = {}): Promise<BenchRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-bench-redis-'));
  const port = await freePort();
  const child = await startChild('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, '--loglevel', 'warning'], {
    name: 'redis-server',
    cpus: o.cpus,
    until: () => answersPing(port),
  });
  return {
    ...child,
    url: `redis://127.0.0.1:${port}`,
    async cleanup() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
