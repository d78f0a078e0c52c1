import type { Redis } from 'ioredis';
import type { Store } from './store.js';
import { StoreError, safeReason } from './redis_errors.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, openClient, readyWithin, type RedisStoreOptions } from './redis_client.js';

export type { RedisStoreOptions };

/** An existing client (tests); the store does not close it. */
export type RedisStoreClient = { client: Redis; keyPrefix: string; onError?: (reason: string) => void };

// One step on the server, so concurrent instances count exactly. The window starts at the first
// increment (a new key has no TTL yet, PTTL -1); later increments do not extend it.
const INCREMENT = `local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;
// Only a live counter above 0 is taken from: DECR alone would make a missing key -1, without a TTL.
const DECREMENT = `if (tonumber(redis.call('GET', KEYS[1]) or '0') or 0) > 0 then return redis.call('DECR', KEYS[1]) end
return 0`;

// Compare-and-set and compare-and-delete: the value is compared as the JSON text it was written
// as, and changed only when it still is what the caller read (GET of a missing key is false).
// ARGV: expected text, new text, TTL in ms.
const SET_IF_EQUAL = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;
const DELETE_IF_EQUAL = `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

// Lists (appendBounded, takeList) are Redis lists, changed each in one step on the
// server, so appends from several instances at once all stay. The newest `max` are kept, every
// append restarts the TTL, and the values trimmed off are returned (read in the same step, so
// each dropped value is returned to the one append that dropped it). ARGV: value, max, TTL in ms.
const APPEND_BOUNDED = `local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local over = length - tonumber(ARGV[2])
local dropped = {}
if over > 0 then
  dropped = redis.call('LRANGE', KEYS[1], 0, over - 1)
  redis.call('LTRIM', KEYS[1], over, -1)
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return dropped`;
// What is returned is exactly what is deleted: no append can fall between the read and the delete.
const TAKE_LIST = `local values = redis.call('LRANGE', KEYS[1], 0, -1)
redis.call('DEL', KEYS[1])
return values`;

/**
 * Login state in Redis, shared by several factorgate instances. Every key is written with a TTL,
 * values are JSON, and it fails closed: with Redis away an operation rejects at once (a
 * StoreError) rather than wait, while the client keeps reconnecting by itself.
 * Needs Redis 6.2 or later (GETDEL).
 */
export class RedisStore implements Store {
  private readonly client: Redis;
  private readonly owned: boolean;
  private readonly prefix: string;
  private readonly connectTimeoutMs: number;
  private closed = false;

  constructor(source: RedisStoreOptions | RedisStoreClient) {
    this.prefix = source.keyPrefix;
    if ('client' in source) {
      this.client = source.client;
      this.owned = false;
      this.connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS;
    } else {
      this.connectTimeoutMs = source.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
      this.client = openClient(source, this.connectTimeoutMs);
      this.owned = true;
    }
    // A listener is needed anyway: without one ioredis prints each connection error to stderr.
    this.client.on('error', (err: unknown) => source.onError?.(safeReason(err)));
  }

  async get<T>(key: string): Promise<T | undefined> {
    return decode<T>('get', await this.run('get', () => this.client.get(this.key(key))));
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const [text, px] = [encode(value), pxOf(ttlMs)];
    await this.run('set', () => this.client.set(this.key(key), text, 'PX', px));
  }

  async setIfAbsent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    const [text, px] = [encode(value), pxOf(ttlMs)];
    return (await this.run('setIfAbsent', () => this.client.set(this.key(key), text, 'PX', px, 'NX'))) === 'OK';
  }

  async setIfPresent<T>(key: string, value: T, ttlMs: number): Promise<boolean> {
    const [text, px] = [encode(value), pxOf(ttlMs)];
    return (await this.run('setIfPresent', () => this.client.set(this.key(key), text, 'PX', px, 'XX'))) === 'OK';
  }

  async setIfEqual<T>(key: string, expected: T, value: T, ttlMs: number): Promise<boolean> {
    const [old, text, px] = [encode(expected), encode(value), pxOf(ttlMs)];
    return Number(await this.run('setIfEqual', () => this.client.eval(SET_IF_EQUAL, 1, this.key(key), old, text, px))) === 1;
  }

  async take<T>(key: string): Promise<T | undefined> {
    return decode<T>('take', await this.run('take', () => this.client.getdel(this.key(key))));
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', () => this.client.del(this.key(key)));
  }

  async deleteIfEqual<T>(key: string, expected: T): Promise<boolean> {
    const old = encode(expected);
    return Number(await this.run('deleteIfEqual', () => this.client.eval(DELETE_IF_EQUAL, 1, this.key(key), old))) === 1;
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    const px = pxOf(ttlMs);
    return Number(await this.run('increment', () => this.client.eval(INCREMENT, 1, this.key(key), px)));
  }

  async decrement(key: string): Promise<void> {
    await this.run('decrement', () => this.client.eval(DECREMENT, 1, this.key(key)));
  }

  async appendBounded<T>(key: string, value: T, max: number, ttlMs: number): Promise<T[]> {
    const [text, bound, px] = [encode(value), maxOf(max), pxOf(ttlMs)];
    const dropped = await this.run('appendBounded', () => this.client.eval(APPEND_BOUNDED, 1, this.key(key), text, bound, px));
    return (dropped as string[]).map((item) => decode<T>('appendBounded', item) as T);
  }

  async readList<T>(key: string): Promise<T[]> {
    return (await this.run('readList', () => this.client.lrange(this.key(key), 0, -1))).map((text) => decode<T>('readList', text) as T);
  }

  async takeList<T>(key: string): Promise<T[]> {
    const values = await this.run('takeList', () => this.client.eval(TAKE_LIST, 1, this.key(key)));
    return (values as string[]).map((text) => decode<T>('takeList', text) as T);
  }

  async removeFromList<T>(key: string, value: T): Promise<boolean> {
    const text = encode(value);
    return (await this.run('removeFromList', () => this.client.lrem(this.key(key), 0, text))) > 0;
  }

  /** SCAN, never KEYS: Redis goes on serving the logins while the keys are walked, a batch at a time. */
  async keys(prefix: string, max: number): Promise<string[]> {
    const pattern = `${globEscape(this.key(prefix))}*`;
    const found = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.run('keys', () => this.client.scan(cursor, 'MATCH', pattern, 'COUNT', 500));
      for (const key of batch) if (found.size < max) found.add(key.slice(this.prefix.length));
      cursor = next;
    } while (cursor !== '0' && found.size < max);
    return [...found];
  }

  /** Refuses all further operations, and closes the connection if this store opened it. */
  async close(): Promise<void> {
    this.closed = true;
    if (!this.owned) return;
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect();
    }
  }

  /** Connected and ready for commands, as far as the client knows (no round trip). */
  get healthy(): boolean {
    // The socket stops being writable when Redis hangs up, a moment before the status changes.
    return !this.closed && this.client.status === 'ready' && this.client.stream?.writable === true;
  }

  /** Waits until connected (at most `timeoutMs`), then checks with a PING. For start-up. */
  async ready(timeoutMs = this.connectTimeoutMs): Promise<boolean> {
    if (this.closed) return false;
    if (this.client.status === 'wait') this.client.connect().catch(() => undefined);
    if (this.client.status !== 'ready' && !(await readyWithin(this.client, timeoutMs))) return false;
    return this.ping();
  }

  /** One round trip to Redis; false when it fails. For health checks. */
  async ping(): Promise<boolean> {
    try {
      return !this.closed && (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  private key(key: string): string {
    return this.prefix + key;
  }

  private async run<R>(operation: string, command: () => Promise<R>): Promise<R> {
    if (this.closed) throw new StoreError(operation, 'the store is closed');
    try {
      return await command();
    } catch (err) {
      throw new StoreError(operation, safeReason(err));
    }
  }
}

/** A literal for SCAN's MATCH: its glob characters (* ? [ ] \\) escaped. */
function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

function encode(value: unknown): string {
  const text = JSON.stringify(value) as string | undefined;
  if (text === undefined) throw new TypeError('a store value must be JSON-serialisable, not undefined');
  return text;
}

function decode<T>(operation: string, text: string | null): T | undefined {
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    // JSON.parse quotes the text in its message; the text may be a secret.
    throw new StoreError(operation, 'the stored value is not JSON');
  }
}

/** A list keeps at least one value; LTRIM's bound must be a whole number. */
function maxOf(max: number): number {
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`a list keeps at least one value, not ${max}`);
  return max;
}

/** PX takes a positive whole number of milliseconds; anything else is a caller's mistake. */
function pxOf(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`a store TTL must be a positive number of ms, not ${ttlMs}`);
  return Math.ceil(ttlMs);
}
