import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, freeze, killProcess } from './processes.js';
import { answersPing, startRedisServer, type RedisServer } from './redis_server.js';
import { waitFor } from './wait.js';

// A master, its replica and one Redis Sentinel watching them, all real (Debian's redis-server,
// which is also the sentinel: `redis-server <conf> --sentinel` is what redis-sentinel runs), on
// free 127.0.0.1 ports, ready when this resolves: the replica in sync, the sentinel knowing it.

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const MASTER_NAME = 'factorgate';

export type SentinelSetup = {
  master: RedisServer;
  replica: RedisServer;
  /** host:port of the sentinel, as store.redis.sentinel.nodes takes it. */
  sentinelNode: string;
  /** Resolves with the new master's port when the sentinel announces a failover (+switch-master). */
  switched: Promise<number>;
  /**
   * Points the replica at a port where no master is: it drops its link and keeps what it had
   * (freezing it would not do: what the master already sent waits in the kernel for it).
   */
  cutReplication(): Promise<void>;
  /** Freezes the sentinel (SIGSTOP): it neither answers nor acts until resumed. */
  pauseSentinel(): Promise<void>;
  resumeSentinel(): void;
  stop(): Promise<void>;
};

export async function startSentinelSetup(): Promise<SentinelSetup> {
  const master = await startRedisServer();
  const replica = await startRedisServer({ args: ['--replicaof', '127.0.0.1', String(master.port)] });
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-sentinel-'));
  const port = await freePort();
  writeFileSync(join(dir, 'sentinel.conf'), [
    `port ${port}`, 'bind 127.0.0.1', `dir ${dir}`,
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${master.port} 1`,
    // Short, so that a test's failover comes soon once the master is gone; the test waits for it.
    `sentinel down-after-milliseconds ${MASTER_NAME} 500`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
  ].join('\n'));
  const sentinel = spawn(REDIS_SERVER, [join(dir, 'sentinel.conf'), '--sentinel', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => sentinel.kill('SIGKILL');
  process.on('exit', killOnExit);
  let watcher: Redis | undefined;
  const stop = async () => {
    process.off('exit', killOnExit);
    watcher?.disconnect();
    sentinel.kill('SIGCONT');
    await killProcess(sentinel);
    rmSync(dir, { recursive: true, force: true });
    await Promise.all([master.stop(), replica.stop()]);
  };
  try {
    await waitFor(() => answersPing(port), 'the sentinel answers', 15_000);
    await waitFor(() => inSync(replica.port), 'the replica is in sync', 15_000);
    await waitFor(() => knowsReplica(port, replica.port), 'the sentinel knows the replica', 15_000);
    watcher = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    await watcher.connect();
    await watcher.subscribe('+switch-master');
  } catch (err) {
    await stop();
    throw err;
  }
  const switched = new Promise<number>((resolve) => {
    // "<name> <old ip> <old port> <new ip> <new port>"
    watcher!.on('message', (_channel: string, message: string) => resolve(Number(message.split(' ')[4])));
  });
  return {
    master, replica, sentinelNode: `127.0.0.1:${port}`, switched,
    async cutReplication() {
      const nowhere = await freePort();
      await ask(replica.port, (c) => c.call('REPLICAOF', '127.0.0.1', String(nowhere)));
      await waitFor(async () => !(await inSync(replica.port)), 'the replica has dropped its link', 15_000);
      await waitFor(() => ask(master.port, async (c) => /connected_slaves:0/.test(await c.info('replication'))), 'the master has no replica left', 15_000);
    },
    pauseSentinel: () => freeze(sentinel as ChildProcess, 'redis-sentinel'),
    resumeSentinel: () => void sentinel.kill('SIGCONT'),
    stop,
  };
}

async function ask<T>(port: number, work: (client: Redis) => Promise<T>): Promise<T> {
  const client = new Redis({ host: '127.0.0.1', port, lazyConnect: true, retryStrategy: () => null });
  try {
    await client.connect();
    return await work(client);
  } finally {
    client.disconnect();
  }
}

const inSync = (port: number) => ask(port, async (c) => /master_link_status:up/.test(await c.info('replication')));

const knowsReplica = (sentinelPort: number, replicaPort: number) => ask(sentinelPort, async (c) => {
  const replicas = (await c.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][];
  return replicas.some((fields) => {
    const info = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
    return info.port === String(replicaPort) && !/s_down|disconnected/.test(info.flags ?? '');
  });
});
