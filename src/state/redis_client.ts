import { Redis } from 'ioredis';

export type RedisStoreOptions = {
  /** redis://host:port/db, or rediss:// for TLS. A password in the URL wins over `password`. */
  url: string;
  password?: string;
  tls?: boolean;
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
  return new Redis(options.url, {
    ...(options.password !== undefined && { password: options.password }),
    ...(options.tls && { tls: {} }),
    connectTimeout: connectTimeoutMs,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    // Fail closed: while Redis is away a command is refused at once instead of queued ...
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // ... and never sent twice: a resent INCR would count twice, a resent GETDEL lose the value.
    autoResendUnfulfilledCommands: false,
    // Keep reconnecting for as long as it takes, at least once a second.
    retryStrategy: (times: number) => Math.min(times * 100, 1000),
  });
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
