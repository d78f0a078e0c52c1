import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sqlite from 'node-sqlite3-wasm';
import { systemClock, type Clock } from '../clock.js';
import {
  DeviceStoreError, checkDeviceName, checkNewDevice, checkStep,
  type DeviceStore, type NewOtpDevice, type OtpDevice,
} from './device_store.js';

// Devices in an embedded SQLite file, created on first run. SQLite is node-sqlite3-wasm: a WASM
// build shipped inside its npm package, so `npm ci` needs no install script, compiler or download
// (better-sqlite3 needs all three). Its file system layer locks the file with a `<file>.lock`
// directory, exclusive for readers and writers alike, across threads and processes: SQLite's
// answer is then SQLITE_BUSY at once, and the statement is retried here after a pause, so the
// event loop is never blocked waiting. Every statement that carries data is parameterised.

const { Database } = sqlite;
type Db = InstanceType<typeof Database>;

const SCHEMA_VERSION = 1;
const SCHEMA = `
  CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT;
  CREATE TABLE otp_devices (
    user_name TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_step INTEGER,
    active INTEGER NOT NULL CHECK (active IN (0, 1)),
    sealed_secret TEXT NOT NULL,
    PRIMARY KEY (user_name, id)
  ) STRICT;`;
const COLUMNS = 'user_name, id, name, created_at, last_used_at, last_step, active, sealed_secret';

export type SqliteDeviceStoreOptions = {
  /** The database file; it and its folder are created when missing (file mode 0600, folder 0700). */
  path: string;
  clock?: Clock;
  /** How long to keep retrying while another process holds the file (default 2000 ms). */
  busyTimeoutMs?: number;
};

export class SqliteDeviceStore implements DeviceStore {
  /** Times a statement found the file locked by another connection and was retried (for metrics and tests). */
  busyRetries = 0;
  private db: Db | undefined;

  private constructor(db: Db, readonly path: string, private readonly clock: Clock, private readonly busyTimeoutMs: number) {
    this.db = db;
  }

  static async open(options: SqliteDeviceStoreOptions): Promise<SqliteDeviceStore> {
    const path = resolve(options.path);
    let db: Db;
    try {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      closeSync(openSync(path, 'a', 0o600)); // SQLite takes an empty file as a new database
      db = new Database(path);
    } catch (err) {
      throw new DeviceStoreError('open', reason(err));
    }
    const store = new SqliteDeviceStore(db, path, options.clock ?? systemClock, options.busyTimeoutMs ?? 2000);
    try {
      await store.run('open', (d) => migrate(d));
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async list(user: string): Promise<OtpDevice[]> {
    const rows = await this.run('list', (db) => db.all(`SELECT ${COLUMNS} FROM otp_devices WHERE user_name = ? ORDER BY created_at, id`, [user]));
    return rows.map(toDevice);
  }

  async get(user: string, id: string): Promise<OtpDevice | undefined> {
    const row = await this.run('get', (db) => db.get(`SELECT ${COLUMNS} FROM otp_devices WHERE user_name = ? AND id = ?`, [user, id]));
    return row ? toDevice(row) : undefined;
  }

  async add(user: string, device: NewOtpDevice): Promise<OtpDevice> {
    checkNewDevice(user, device);
    const added: OtpDevice = { id: device.id, user, name: checkDeviceName(device.name), createdAt: this.clock.now(), active: device.active ?? false, sealedSecret: device.sealedSecret };
    await this.run('add', (db) => db.run(
      `INSERT INTO otp_devices (${COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)`,
      [user, added.id, added.name, added.createdAt, added.active ? 1 : 0, added.sealedSecret],
    ));
    return added;
  }

  async activate(user: string, id: string): Promise<boolean> {
    return this.changed('activate', 'UPDATE otp_devices SET active = 1 WHERE user_name = ? AND id = ?', [user, id]);
  }

  async rename(user: string, id: string, name: string): Promise<boolean> {
    return this.changed('rename', 'UPDATE otp_devices SET name = ? WHERE user_name = ? AND id = ?', [checkDeviceName(name), user, id]);
  }

  async remove(user: string, id: string): Promise<boolean> {
    return this.changed('remove', 'DELETE FROM otp_devices WHERE user_name = ? AND id = ?', [user, id]);
  }

  async recordUse(user: string, id: string, step: number, at: number): Promise<boolean> {
    checkStep(step, at);
    // One statement, so one write transaction: the compare and the set cannot be split by another
    // connection, in this process or another (RFC 6238 §5.2, ASVS 2.8.4).
    return this.changed('recordUse',
      'UPDATE otp_devices SET last_step = ?, last_used_at = ? WHERE user_name = ? AND id = ? AND (last_step IS NULL OR last_step < ?)',
      [step, at, user, id, step]);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db?.isOpen) db.close();
  }

  private async changed(operation: string, sql: string, values: (string | number)[]): Promise<boolean> {
    return (await this.run(operation, (db) => db.run(sql, values))).changes === 1;
  }

  /** Runs `work`, retrying while another connection holds the file; any other failure is a DeviceStoreError. */
  private async run<T>(operation: string, work: (db: Db) => T): Promise<T> {
    const until = performance.now() + this.busyTimeoutMs;
    for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
      if (!this.db) throw new DeviceStoreError(operation, 'the store is closed');
      try {
        return work(this.db);
      } catch (err) {
        if (!isBusy(err)) throw new DeviceStoreError(operation, reason(err));
        if (performance.now() + pause > until) {
          throw new DeviceStoreError(operation, `the database stayed locked for ${this.busyTimeoutMs} ms; if no factorgate process is running, remove the stale lock directory ${this.path}.lock`);
        }
        this.busyRetries += 1;
        await sleep(pause + Math.random() * pause);
      }
    }
  }
}

/** Creates the schema in a new file; refuses a file written by a newer factorgate. */
function migrate(db: Db): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const hasVersion = db.get("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'");
    if (!hasVersion) {
      db.exec(SCHEMA);
      db.run('INSERT INTO schema_version (version) VALUES (?)', [SCHEMA_VERSION]);
    }
    const version = Number(db.get('SELECT MAX(version) AS version FROM schema_version')?.version);
    if (version !== SCHEMA_VERSION) throw new Error(`the file has schema version ${version}; this factorgate knows ${SCHEMA_VERSION}`);
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

function toDevice(row: Record<string, unknown>): OtpDevice {
  const device: OtpDevice = {
    id: String(row.id),
    user: String(row.user_name),
    name: String(row.name),
    createdAt: Number(row.created_at),
    active: row.active === 1,
    sealedSecret: String(row.sealed_secret),
  };
  if (row.last_used_at !== null) device.lastUsedAt = Number(row.last_used_at);
  if (row.last_step !== null) device.lastStep = Number(row.last_step);
  return device;
}

/** SQLITE_BUSY, as node-sqlite3-wasm words it (its errors carry only SQLite's message). */
function isBusy(err: unknown): boolean {
  return err instanceof Error && /database is locked|SQLITE_BUSY/i.test(err.message);
}

/** SQLite's messages name tables and columns, never the values bound to a statement. */
function reason(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'non-error thrown';
}
