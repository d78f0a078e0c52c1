import { expect } from 'chai';
import { Redis } from 'ioredis';
import { MemoryStore } from '../../src/state/memory_store.js';
import { RedisStore, type RedisStoreOptions } from '../../src/state/redis_store.js';
import type { Store } from '../../src/state/store.js';
import { startRedisServer, type RedisServer } from './redis_server.js';

export type RedisStores = {
  /** A new store client (as one factorgate process holds one), ready; closed after each test. */
  open(keyPrefix?: string, options?: Partial<RedisStoreOptions>): Promise<RedisStore>;
  /** Closes these, made by the test itself, after it. */
  closeAfter(...stores: RedisStore[]): void;
  /** Redis seen from outside, with no prefix (emptied before each test). */
  raw(): Redis;
  server(): RedisServer;
};

/**
 * For the describe block it is called in: one redis-server for the block, emptied before each
 * test, and the store clients a test opens closed after it.
 */
export function redisStores(defaultPrefix: string): RedisStores {
  let server: RedisServer;
  let raw: Redis;
  const opened: RedisStore[] = [];
  before(async () => {
    server = await startRedisServer();
    raw = new Redis(server.url);
    raw.on('error', () => undefined);
  });
  after(async () => {
    raw?.disconnect();
    await server?.stop();
  });
  beforeEach(() => raw.flushall());
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return {
    async open(keyPrefix = defaultPrefix, options = {}) {
      const store = new RedisStore({ url: server.url, keyPrefix, ...options });
      opened.push(store);
      expect(await store.ready(), 'store ready').to.equal(true);
      return store;
    },
    closeAfter: (...stores) => { opened.push(...stores); },
    raw: () => raw,
    server: () => server,
  };
}

/** Two instances' clients of one store, as a suite of a shared-state behaviour receives them. */
export type TwoClients = () => Promise<[Store, Store]>;

/**
 * Registers `suite` twice in the describe block it is called in: over one memory store that both
 * callers share (one process), and over a real redis-server with a client for each, as two
 * factorgate instances hold them. `prefix` is the Redis clients' key prefix.
 */
export function overSharedStores(prefix: string, suite: (name: string, clients: TwoClients) => void): void {
  let memory: MemoryStore | undefined;
  afterEach(() => memory?.close());
  suite('one memory store', async () => {
    memory = new MemoryStore();
    return [memory, memory];
  });
  describe('on a real redis-server', () => {
    const redis = redisStores(prefix);
    suite('Redis, one client per instance', async () => [await redis.open(), await redis.open()]);
  });
}
