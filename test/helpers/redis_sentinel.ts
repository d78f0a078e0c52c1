import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort, killProcess } from './processes.js';
import { answersPing, startRedisServer, type RedisServer } from './redis_server.js';
import { waitFor } from './wait.js';

// A master, its replica and one Redis Sentinel watching them, all real (Debian's redis-server,
// which is also the sentinel: `redis-server <conf> --sentinel` is what redis-sentinel runs), on
// free 127.0.0.1 ports, ready when this resolves: the replica in sync, the sentinel knowing it.

const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
export const MASTER_NAME = 'factorgate';
const DOWN_AFTER_MS = 5000;
/** Long enough for a sentinel that fell into TILT (its timer starved on a busy machine: 30 s of no action) and then failed over. */
const FAILOVER_WITHIN_MS = 90_000;
/** Longer than any test: a sentinel told this finds no master down, so it starts no failover. */
const HELD_DOWN_AFTER_MS = 3_600_000;

export type SentinelSetup = {
  master: RedisServer;
  replica: RedisServer;
  /** host:port of the sentinel, as store.redis.sentinel.nodes takes it. */
  sentinelNode: string;
  /**
   * The new master's port, once the sentinel announces a failover (+switch-master); rejects after
   * FAILOVER_WITHIN_MS with what the sentinel reports (TILT, the master's and the replica's flags).
   */
  failedOver(): Promise<number>;
  /**
   * Cuts the replica off: it keeps what it has and hears nothing more, still pointed at the right
   * master (so the sentinel does not "fix" it back), but with credentials the master refuses
   * (freezing it would not do: what the master already sent waits in the kernel for it).
   */
  cutReplication(): Promise<void>;
  /**
   * Holds the sentinel from failing over, alive: a frozen sentinel would wake in TILT mode (its
   * clock jumped) and do nothing for 30 s, and the replica would by then be too long cut off to
   * be promoted.
   */
  holdFailover(): Promise<void>;
  allowFailover(): Promise<void>;
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
    // The sentinel promotes no replica whose link to the master has been down for more than ten
    // times this (plus the master's outage): a replica cut off before a login (cutReplication),
    // while a busy machine takes seconds over that login, or a sentinel sits out 30 s of TILT,
    // must stay eligible. The failover then comes this long after the master is gone (once
    // allowed), and the tests wait for it.
    `sentinel down-after-milliseconds ${MASTER_NAME} ${DOWN_AFTER_MS}`,
    `sentinel failover-timeout ${MASTER_NAME} 10000`,
  ].join('\n'));
  const sentinel = spawn(REDIS_SERVER, [join(dir, 'sentinel.conf'), '--sentinel', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => sentinel.kill('SIGKILL');
  process.on('exit', killOnExit);
  let watcher: Redis | undefined;
  const stop = async () => {
    process.off('exit', killOnExit);
    watcher?.disconnect();
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
  const failedOver = async () => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => void sentinelState(port).then(
        (state) => reject(new Error(`no failover within ${FAILOVER_WITHIN_MS} ms; the sentinel says ${state}`)),
        (err: unknown) => reject(new Error(`no failover within ${FAILOVER_WITHIN_MS} ms; the sentinel did not answer: ${String(err)}`)),
      ), FAILOVER_WITHIN_MS);
    });
    try {
      return await Promise.race([switched, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    master, replica, sentinelNode: `127.0.0.1:${port}`, failedOver,
    async cutReplication() {
      await ask(replica.port, async (c) => {
        await c.call('CONFIG', 'SET', 'masteruser', 'factorgate-cut-off');
        await c.call('CONFIG', 'SET', 'masterauth', 'not-the-password');
        await c.call('CLIENT', 'KILL', 'TYPE', 'master');
      });
      await waitFor(async () => !(await inSync(replica.port)), 'the replica has dropped its link', 15_000);
      await waitFor(() => ask(master.port, async (c) => /connected_slaves:0/.test(await c.info('replication'))), 'the master has no replica left', 15_000);
    },
    holdFailover: () => setDownAfter(port, HELD_DOWN_AFTER_MS),
    allowFailover: () => setDownAfter(port, DOWN_AFTER_MS),
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

const setDownAfter = (sentinelPort: number, ms: number) =>
  ask(sentinelPort, async (c) => { await c.call('SENTINEL', 'SET', MASTER_NAME, 'down-after-milliseconds', String(ms)); });

/** What a sentinel that did not fail over says about itself and the two servers, for the test's failure message. */
const sentinelState = (sentinelPort: number) => ask(sentinelPort, async (c) => {
  const tilt = /sentinel_tilt:(\d)/.exec(await c.info('sentinel'))?.[1];
  const fields = (list: string[]) => Object.fromEntries(list.flatMap((v, i) => (i % 2 === 0 ? [[v, list[i + 1]]] : [])));
  const master = fields((await c.call('SENTINEL', 'MASTER', MASTER_NAME)) as string[]);
  const replicas = ((await c.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][]).map(fields);
  return JSON.stringify({ tilt, master: { flags: master.flags, failoverState: master['failover-state'] },
    replicas: replicas.map((r) => ({ port: r.port, flags: r.flags, linkDownMs: r['master-link-down-time'], infoRefreshMs: r['info-refresh'] })) });
});

const inSync = (port: number) => ask(port, async (c) => /master_link_status:up/.test(await c.info('replication')));

const knowsReplica = (sentinelPort: number, replicaPort: number) => ask(sentinelPort, async (c) => {
  const replicas = (await c.call('SENTINEL', 'REPLICAS', MASTER_NAME)) as string[][];
  return replicas.some((fields) => {
    const info = Object.fromEntries(fields.flatMap((v, i) => (i % 2 === 0 ? [[v, fields[i + 1]]] : [])));
    return info.port === String(replicaPort) && !/s_down|disconnected/.test(info.flags ?? '');
  });
});
