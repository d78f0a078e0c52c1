// The package's programmatic API: what an embedding or a test harness needs.
export { loadConfig, ConfigError } from './config/load.js';
export type { Config, ConfigInput } from './config/schema.js';
export { startFactorgate, type RunningFactorgate, type StartOptions } from './factorgate.js';
export type { Store } from './state/store.js';
export { MemoryStore } from './state/memory_store.js';
export { RedisStore } from './state/redis_store.js';
