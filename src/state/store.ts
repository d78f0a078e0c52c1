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
  /** Replaces the value and its TTL only while the key is live; says whether it did. What was deleted meanwhile stays deleted. */
  setIfPresent<T>(key: string, value: T, ttlMs: number): Promise<boolean>;
  /**
   * Replaces the value and restarts its TTL only while the stored value is `expected` (the same
   * JSON text), in one step; says whether it did. A lease is renewed so only by its holder.
   */
  setIfEqual<T>(key: string, expected: T, value: T, ttlMs: number): Promise<boolean>;
  /** Reads and deletes in one step, so a single-use value can be used once only. */
  take<T>(key: string): Promise<T | undefined>;
  delete(key: string): Promise<void>;
  /**
   * Deletes the key only while its value is `expected` (the same JSON text), in one step; says
   * whether it did. What was written meanwhile (a new value, another holder's lease) stays.
   */
  deleteIfEqual<T>(key: string, expected: T): Promise<boolean>;
  /** Adds one and returns the new count; the TTL starts with the first increment. */
  increment(key: string, ttlMs: number): Promise<number>;
  /** Takes one back from a live counter (never below 0, TTL unchanged); a missing key stays missing. */
  decrement(key: string): Promise<void>;
  /**
   * Appends to the list at `key`, keeps its newest `max` values and (re)starts its TTL, in one
   * step: values appended at once by several instances all stay (up to `max`). Gives the values
   * this append dropped past `max`, oldest first (what hung on them can go with them).
   */
  appendBounded<T>(key: string, value: T, max: number, ttlMs: number): Promise<T[]>;
  /** The list at `key`, oldest first; empty when there is none. */
  readList<T>(key: string): Promise<T[]>;
  /** The list at `key`, oldest first, and its removal in one step: a value appended meanwhile is either in what is returned or left in the store, never lost. */
  takeList<T>(key: string): Promise<T[]>;
  /** Removes every value equal to `value` (the same JSON text) from the list at `key`, TTL unchanged; says whether one was there. */
  removeFromList<T>(key: string, value: T): Promise<boolean>;
  /** Up to `max` live keys that begin with `prefix`, in no order (the administrator's lists; never on a login's path). */
  keys(prefix: string, max: number): Promise<string[]>;
  /** True when the store answers (readiness); false, never a rejection, when it does not. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}
