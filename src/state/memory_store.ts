import type { Store } from './store.js';
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';

type Entry = { value: string | number; expiresAt: number };

/**
 * Single-instance store. Records are kept as JSON text, as Redis keeps them: what a caller gets
 * is always its own copy, and what works here works there. Expired entries are invisible at
 * once and swept periodically.
 */
export class MemoryStore implements Store {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly clock: Clock = systemClock, sweepIntervalMs = 30_000) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
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

  async take<T>(key: string): Promise<T | undefined> {
    const entry = this.live(key);
    this.entries.delete(key);
    return decode<T>(entry);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
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

  private sweep(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

function decode<T>(entry: Entry | undefined): T | undefined {
  if (!entry) return undefined;
  return (typeof entry.value === 'number' ? entry.value : JSON.parse(entry.value)) as T;
}
