/**
 * Where login state lives. Every entry has a time to live, so nothing outlives its login.
 * The memory store serves one instance; a Redis store (several instances) implements the same.
 * Values are JSON-serialisable records.
 */
export interface Store {
  get<T>(key: string): Promise<T | undefined>;
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  /** Stores only if the key is absent; true when stored. Used for locks and single-use markers. */
  setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step, so a single-use value can be used once only. */
  take<T>(key: string): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /** Adds one and returns the new count; the TTL starts with the first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Takes one back from a live counter (never below 0, TTL unchanged); a missing key stays missing. */
  decrement(key: string): Promise<void>;
  /** Up to `max` live keys that begin with `prefix`, in no order (the administrator's lists; never on a login's path). */
  keys(prefix: string, max: number): Promise<string[]>;
  /** True when the store answers (readiness); false, never a rejection, when it does not. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
