import { LRUCache } from 'lru-cache';
import type { Store } from './store.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';

// A list keeps each value's JSON text, as a Redis list keeps its elements.
type Entry = { value: string | number | string[]; expiresAt: number };

export type MemoryStoreOptions = {
  /** Most entries held; past it the least recently used goes (store.memory.maxEntries). */
  maxEntries?: number;
  /** Told of each entry pushed out to make room (not of expiries). */
  onEvict?: (key: string) => void;
  sweepIntervalMs?: number;
};

export const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * Single-instance store. Records are kept as JSON text, as Redis keeps them: what a caller gets
 * is always its own copy, and what works here works there. Expired entries are invisible at
 * once and swept periodically. The number of entries is bounded, so no flood of new keys can
 * grow the process without end: past the bound the least recently used entry goes, and the
 * owner is told (a login so pushed out fails closed; a limit counter so pushed out starts again).
 */
export class MemoryStore implements Store {
  private readonly entries: LRUCache<string, Entry>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: Clock = systemClock, options: MemoryStoreOptions = {}) {
    const { onEvict } = options;
    this.entries = new LRUCache<string, Entry>({
      max: options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      ...(onEvict && { dispose: (_value: Entry, key: string, reason: LRUCache.DisposeReason) => { if (reason === 'evict') onEvict(key); } }),
    });
    this.sweeper = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    this.sweeper.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    return decode<T>(this.live(key));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (value === undefined) throw new TypeError('a store value must not be undefined');
    this.entries.set(key, { value: JSON.stringify(value), expiresAt: this.clock.now() + ttlMs });
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    if (this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async setIfPresent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    if (value === undefined) throw new TypeError('a store value must not be undefined');
    if (!this.live(key)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async setIfEqual<T>(key: string, expected: T, value: T, ttlMs: number): Promise<boolean> {
    if (value === undefined) throw new TypeError('a store value must not be undefined');
    // One synchronous step, as appendBounded: nothing else in this process runs between the compare and the write.
    if (!this.holds(key, expected)) return false;
    await this.set(key, value, ttlMs);
    return true;
  }

  async take<T>(key: string): Promise<T | undefined> {
    const entry = this.live(key);
    this.entries.delete(key);
    return decode<T>(entry);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async deleteIfEqual<T>(key: string, expected: T): Promise<boolean> {
    if (!this.holds(key, expected)) return false;
    this.entries.delete(key);
    return true;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const entry = this.live(key);
    if (!entry) {
      this.entries.set(key, { value: 1, expiresAt: this.clock.now() + ttlMs });
      return 1;
    }
    entry.value = Number(entry.value) + 1;
    return entry.value;
  }

  async decrement(key: string): Promise<void> {
    const entry = this.live(key);
    if (entry && typeof entry.value === 'number' && entry.value > 0) entry.value -= 1;
  }

  async appendBounded<T>(key: string, value: T, max: number, ttlMs: number): Promise<T[]> {
    if (value === undefined) throw new TypeError('a store value must not be undefined');
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`a list keeps at least one value, not ${max}`);
    // One synchronous step: nothing else in this process runs between the read and the write.
    const list = [...listOf(this.live(key)), JSON.stringify(value)];
    const dropped = list.splice(0, Math.max(0, list.length - max));
    this.entries.set(key, { value: list, expiresAt: this.clock.now() + ttlMs });
    return dropped.map((text) => JSON.parse(text) as T);
  }

  async readList<T>(key: string): Promise<T[]> {
    return listOf(this.live(key)).map((text) => JSON.parse(text) as T);
  }

  async takeList<T>(key: string): Promise<T[]> {
    const list = listOf(this.live(key));
    this.entries.delete(key);
    return list.map((text) => JSON.parse(text) as T);
  }

  async removeFromList<T>(key: string, value: T): Promise<boolean> {
    const entry = this.live(key);
    const list = listOf(entry);
    const text = JSON.stringify(value);
    const kept = list.filter((item) => item !== text);
    if (kept.length === list.length) return false;
    // An emptied list is no list, as in Redis.
    if (kept.length === 0) this.entries.delete(key);
    else entry!.value = kept;
    return true;
  }

  async keys(prefix: string, max: number): Promise<string[]> {
    const found: string[] = [];
    for (const key of this.entries.keys()) {
      if (found.length >= max) break;
      if (key.startsWith(prefix) && this.live(key)) found.push(key);
    }
    return found;
  }

  async ping(): Promise<boolean> {
    return true; // it lives in this process
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
    this.entries.clear();
  }

  /** Entries currently held, expired or not (for tests and the benchmark). */
  get size(): number {
    return this.entries.size;
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** The live value at `key` is `expected`, compared as the JSON text both are kept as. */
  private holds(key: string, expected: unknown): boolean {
    const entry = this.live(key);
    return entry !== undefined && typeof entry.value === 'string' && entry.value === JSON.stringify(expected);
  }

  private sweep(): void {
    const now = this.clock.now();
    const expired = [...this.entries.entries()].filter(([, entry]) => entry.expiresAt <= now);
    for (const [key] of expired) this.entries.delete(key);
  }
}

function decode<T>(entry: Entry | undefined): T | undefined {
  if (!entry) return undefined;
  if (Array.isArray(entry.value)) throw new TypeError('the key holds a list: read it with readList');
  return (typeof entry.value === 'number' ? entry.value : JSON.parse(entry.value)) as T;
}

/** The values of a list entry; none for a missing key. A key holding something else is refused, as Redis refuses it. */
function listOf(entry: Entry | undefined): string[] {
  if (!entry) return [];
  if (!Array.isArray(entry.value)) throw new TypeError('the key holds no list');
  return entry.value;
}
