import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: one server, or the master that Redis Sentinels name. */
export type RedisConnection = {
  /** redis://host:port/db, or rediss:// for TLS. A password in the URL wins over `password`. With sentinels, only its db counts. */
  url: string;
  password?: string;
  tls?: boolean;
  /** PEM file of the CA that signed the certificates of Redis and of the sentinels; implies TLS. */
  caFile?: string;
  sentinel?: { nodes: string[]; masterName: string; password?: string };
};

export type RedisStoreOptions = RedisConnection & {
  /** Put before every key, so deployments sharing one Redis keep apart. */
  keyPrefix: string;
  /** Connecting (TCP and handshake) may take this long; also the default wait of `ready()`. */
  connectTimeoutMs?: number;
  /** A command unanswered by then is rejected: a hung Redis must not hang logins. */
  commandTimeoutMs?: number;
  /** Told about connection trouble, as text that holds no key or value. */
  onError?: (reason: string) => void;
};

export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;
const DEFAULT_COMMAND_TIMEOUT_MS = 1000;

/** A client that fails closed and heals: see the comments on each option. */
export function openClient(options: RedisStoreOptions, connectTimeoutMs: number): Redis {
  const commandTimeout = options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  return new Redis(options.url, {
    ...connectionOptions(options),
    connectTimeout: connectTimeoutMs,
    commandTimeout,
    sentinelCommandTimeout: commandTimeout,
    // Fail closed: while Redis is away a command is refused at once instead of queued ...
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // ... and never sent twice: a resent INCR would count twice, a resent GETDEL lose the value.
    autoResendUnfulfilledCommands: false,
    // Keep reconnecting for as long as it takes, at least once a second.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
    // A master demoted by a failover answers writes with READONLY: reconnect (to the master the
    // sentinels name now), without sending the refused command again.
    reconnectOnError: (err: Error) => (err.message.startsWith('READONLY') ? 1 : false),
  });
}

/**
 * ioredis's options for a RedisConnection: the password, TLS (checked against caFile, else the
 * system CAs) and, with sentinels, the master they name. Throws when caFile cannot be read.
 */
export function connectionOptions(connection: RedisConnection): RedisOptions {
  const tls = tlsOptions(connection);
  const sentinel = connection.sentinel;
  return {
    ...(connection.password !== undefined && { password: connection.password }),
    ...(tls && { tls }),
    ...(sentinel && sentinel.nodes.length > 0 && {
      sentinels: sentinel.nodes.map(hostAndPort),
      name: sentinel.masterName,
      ...(sentinel.password !== undefined && { sentinelPassword: sentinel.password }),
      ...(tls && { enableTLSForSentinelMode: true, sentinelTLS: tls }),
      // Subscribes to the sentinels' +switch-master: a failover moves the connection at once,
      // even while the old master still answers.
      failoverDetector: true,
    }),
  };
}

function tlsOptions(connection: RedisConnection): ConnectionOptions | undefined {
  if (!connection.tls && connection.caFile === undefined && !connection.url.startsWith('rediss://')) return undefined;
  if (connection.caFile === undefined) return {};
  try {
    return { ca: readFileSync(connection.caFile, 'utf8') };
  } catch (err) {
    throw new Error(`cannot read store.redis.caFile ${connection.caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { cause: err });
  }
}

/** "host:port" or "[v6 address]:port", as the configuration checked them. */
function hostAndPort(node: string): { host: string; port: number } {
  const colon = node.lastIndexOf(':');
  return { host: node.slice(0, colon).replace(/^\[(.*)\]$/, '$1'), port: Number(node.slice(colon + 1)) };
}

/** True once the client is ready, false if it is not within `timeoutMs`. */
export function readyWithin(client: Redis, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.off('ready', onReady);
      resolve(ok);
    };
    const onReady = () => done(true);
    const timer = setTimeout(() => done(false), timeoutMs);
    client.on('ready', onReady);
  });
}
