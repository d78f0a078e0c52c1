import type { Clock } from '../clock.js';
import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import { MemoryStore } from './memory_store.js';
import { RedisStore } from './redis_store.js';
import type { Store } from './store.js';

// The running factorgate and `factorgate admin` open the store here alike, so a setting of the
// `store` section, and the log line for Redis trouble, reach both or neither.

/** The opened store, and whether it answered at the start (the memory store always does). */
export type OpenedStore = { store: Store; reachable: boolean };

export type StoreRuntime = { clock: Clock; logger: Logger; onEvict?: () => void };

/**
 * The store as the `store` section configures it. Each time the Redis client meets trouble (the
 * server drops, refuses or does not answer) it is one warn line, `store_error`, with the client's
 * reason cut of any key or value (redis_errors.ts); the client keeps reconnecting by itself. What
 * to do when Redis does not answer at the start is the caller's: the running factorgate goes on
 * and fails logins closed, the admin command stops before acting.
 */
export async function openStore(section: Config['store'], runtime: StoreRuntime): Promise<OpenedStore> {
  const { clock, logger, onEvict } = runtime;
  if (section.type === 'memory') return { store: new MemoryStore(clock, { maxEntries: section.memory.maxEntries, ...(onEvict && { onEvict }) }), reachable: true };
  const store = new RedisStore({
    ...section.redis,
    onError: (reason) => logger.warn({ event: 'store_error', store: 'redis', reason }, 'redis store trouble'),
  });
  return { store, reachable: await store.ready() };
}
