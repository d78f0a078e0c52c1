import { closeSync, mkdirSync, openSync, rmdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Database } from './sqlite_binding.js';
import { systemClock, type Clock } from '../clock.js';
import {
  DeviceStoreError, checkCounter, checkDeviceName, checkNewDevice, checkNewPasskey, checkStep, passkeyFromRow,
  type DeviceStore, type NewOtpDevice, type NewPasskey, type OtpDevice, type Passkey, type PasskeyStore,
} from './device_store.js';

// Devices in an embedded SQLite file, created on first run, for one factorgate host. SQLite is
// better-sqlite3: SQLite's own file locks (released by the kernel when a process dies, so a crash
// leaves nothing to clean up) and a write-ahead log (readers never wait for the writer). Its calls
// are synchronous, so SQLite's own busy wait is off (it would block the event loop): a statement
// that finds the file locked by another process is retried here after a pause instead. Every
// statement that carries data is parameterised.

type Db = Database;

/**
 * 1: written by factorgate on node-sqlite3-wasm (rollback journal, a `<file>.lock` directory as
 * its lock). 2: the same table in WAL mode, locked by SQLite itself. 3: passkeys beside the
 * devices. An older file is migrated in place when opened; an older factorgate cannot open a newer one.
 */
const SCHEMA_VERSION = 3;
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
/** Version 3. A credential id belongs to one user: it is unique across the table. */
const PASSKEYS = `
  CREATE TABLE webauthn_credentials (
    user_name TEXT NOT NULL,
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    credential_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL CHECK (counter >= 0),
    transports TEXT NOT NULL,
    aaguid TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    PRIMARY KEY (user_name, id)
  ) STRICT;`;
const PASSKEY_COLUMNS = 'user_name, id, name, credential_id, public_key, counter, transports, aaguid, created_at, last_used_at';

export type SqliteDeviceStoreOptions = {
  /** The database file; it and its folder are created when missing (file mode 0600, folder 0700). */
  path: string;
  clock?: Clock;
  /** How long to keep retrying while another process holds the file (default 2000 ms). */
  busyTimeoutMs?: number;
};

/** node-sqlite3-wasm's lock, held by an older factorgate on the same file (or left by one that died). */
class OldLockHeld extends Error {}

export class SqliteDeviceStore implements DeviceStore, PasskeyStore {
  readonly passkeys: PasskeyStore = this;
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
      // Created here with mode 0600; SQLite gives its -wal and -shm files the same mode.
      closeSync(openSync(path, 'a', 0o600));
      db = new Database(path, { timeout: 0 });
    } catch (err) {
      throw new DeviceStoreError('open', reason(err));
    }
    const store = new SqliteDeviceStore(db, path, options.clock ?? systemClock, options.busyTimeoutMs ?? 2000);
    try {
      // An accepted code's step must survive a power cut, or its code could be used again after
      // one: every commit is synced (WAL's default here would sync only at checkpoints).
      await store.run('open', (d) => d.pragma('synchronous = FULL'));
      await store.run('open', (d) => migrate(d, path));
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async list(user: string): Promise<OtpDevice[]> {
    const rows = await this.run('list', (db) => db.prepare(`SELECT ${COLUMNS} FROM otp_devices WHERE user_name = ? ORDER BY created_at, id`).all(user));
    return rows.map((row) => toDevice(row as Row));
  }

  /** Every device of every user, by user then oldest first: for copying the file to a shared store. */
  async all(): Promise<OtpDevice[]> {
    const rows = await this.run('all', (db) => db.prepare(`SELECT ${COLUMNS} FROM otp_devices ORDER BY user_name, created_at, id`).all());
    return rows.map((row) => toDevice(row as Row));
  }

  async get(user: string, id: string): Promise<OtpDevice | undefined> {
    const row = await this.run('get', (db) => db.prepare(`SELECT ${COLUMNS} FROM otp_devices WHERE user_name = ? AND id = ?`).get(user, id));
    return row ? toDevice(row as Row) : undefined;
  }

  async add(user: string, device: NewOtpDevice): Promise<OtpDevice> {
    checkNewDevice(user, device);
    const added: OtpDevice = { id: device.id, user, name: checkDeviceName(device.name), createdAt: this.clock.now(), active: device.active ?? false, sealedSecret: device.sealedSecret };
    await this.run('add', (db) => db.prepare(`INSERT INTO otp_devices (${COLUMNS}) VALUES (?, ?, ?, ?, NULL, NULL, ?, ?)`)
      .run(user, added.id, added.name, added.createdAt, added.active ? 1 : 0, added.sealedSecret));
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

  async listPasskeys(user: string): Promise<Passkey[]> {
    const rows = await this.run('listPasskeys', (db) => db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials WHERE user_name = ? ORDER BY created_at, id`).all(user));
    return rows.map((row) => toPasskey(row as Row));
  }

  /** Every passkey of every user, by user then oldest first: for copying the file to a shared store. */
  async allPasskeys(): Promise<Passkey[]> {
    const rows = await this.run('allPasskeys', (db) => db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials ORDER BY user_name, created_at, id`).all());
    return rows.map((row) => toPasskey(row as Row));
  }

  async getPasskey(user: string, id: string): Promise<Passkey | undefined> {
    const row = await this.run('getPasskey', (db) => db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials WHERE user_name = ? AND id = ?`).get(user, id));
    return row ? toPasskey(row as Row) : undefined;
  }

  async findPasskey(user: string, credentialId: string): Promise<Passkey | undefined> {
    const row = await this.run('findPasskey', (db) => db.prepare(`SELECT ${PASSKEY_COLUMNS} FROM webauthn_credentials WHERE user_name = ? AND credential_id = ?`).get(user, credentialId));
    return row ? toPasskey(row as Row) : undefined;
  }

  async addPasskey(user: string, passkey: NewPasskey): Promise<Passkey | false> {
    const p = checkNewPasskey(user, passkey);
    const added: Passkey = { ...p, user, createdAt: this.clock.now() };
    const inserted = await this.run('addPasskey', (db) => db.prepare(`INSERT INTO webauthn_credentials (${PASSKEY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT (credential_id) DO NOTHING`)
      .run(user, p.id, p.name, p.credentialId, p.publicKey, p.counter, JSON.stringify(p.transports), p.aaguid, added.createdAt));
    return inserted.changes === 1 ? added : false;
  }

  async renamePasskey(user: string, id: string, name: string): Promise<boolean> {
    return this.changed('renamePasskey', 'UPDATE webauthn_credentials SET name = ? WHERE user_name = ? AND id = ?', [checkDeviceName(name), user, id]);
  }

  async removePasskey(user: string, id: string): Promise<boolean> {
    return this.changed('removePasskey', 'DELETE FROM webauthn_credentials WHERE user_name = ? AND id = ?', [user, id]);
  }

  async recordPasskeyUse(user: string, id: string, previous: number, counter: number, at: number): Promise<boolean> {
    checkCounter(previous);
    checkCounter(counter);
    checkStep(0, at);
    return this.changed('recordPasskeyUse',
      'UPDATE webauthn_credentials SET counter = ?, last_used_at = ? WHERE user_name = ? AND id = ? AND counter = ?',
      [counter, at, user, id, previous]);
  }

  async close(): Promise<void> {
    const db = this.db;
    this.db = undefined;
    if (db?.open) db.close();
  }

  private async changed(operation: string, sql: string, values: (string | number)[]): Promise<boolean> {
    return (await this.run(operation, (db) => db.prepare(sql).run(...values))).changes === 1;
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
        if (performance.now() + pause > until) throw new DeviceStoreError(operation, stillLocked(err, this.path, this.busyTimeoutMs));
        this.busyRetries += 1;
        await sleep(pause + Math.random() * pause);
      }
    }
  }
}

/**
 * Brings the file to SCHEMA_VERSION: creates the schema in a new file, migrates a version-1 file
 * in place (the table is unchanged), refuses a file written by a newer factorgate.
 */
function migrate(db: Db, path: string): void {
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') {
    // A new file, or one an older factorgate may be writing right now under its own lock: take
    // that lock too while the file changes to WAL. From then on an older factorgate cannot open
    // the file (it fails closed), so the two locking schemes never meet again.
    withOldLock(path, () => walMode(db));
  }
  db.transaction(() => {
    const version = schemaVersion(db);
    if (version === undefined) {
      db.exec(SCHEMA + PASSKEYS);
      db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
    } else if (version === 1 || version === 2) {
      // 1 to 2 changed only the journal mode (done above); 2 to 3 adds the passkeys' table.
      db.exec(PASSKEYS);
      db.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION);
    } else if (version !== SCHEMA_VERSION) {
      throw new Error(`the file has schema version ${version}; this factorgate knows ${SCHEMA_VERSION}`);
    }
  }).immediate();
}

function schemaVersion(db: Db): number | undefined {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get();
  if (!hasTable) return undefined;
  return Number((db.prepare('SELECT MAX(version) AS version FROM schema_version').get() as { version: unknown }).version);
}

function walMode(db: Db): void {
  const mode = db.pragma('journal_mode = WAL', { simple: true });
  if (mode !== 'wal') throw new Error(`the file cannot be put in WAL mode (journal mode stays ${String(mode)}): is it on a network file system?`);
}

function withOldLock(path: string, work: () => void): void {
  const lock = `${path}.lock`;
  try {
    mkdirSync(lock);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new OldLockHeld(lock);
    throw err;
  }
  try {
    work();
  } finally {
    rmdirSync(lock);
  }
}

type Row = Record<string, unknown>;

function toDevice(row: Row): OtpDevice {
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

function toPasskey(row: Row): Passkey {
  return passkeyFromRow(row, JSON.parse(String(row.transports)) as string[]);
}

/** SQLITE_BUSY and its extended codes (BUSY_SNAPSHOT, BUSY_RECOVERY), or the old lock held. */
function isBusy(err: unknown): boolean {
  return err instanceof OldLockHeld || (err instanceof Database.SqliteError && err.code.startsWith('SQLITE_BUSY'));
}

function stillLocked(err: unknown, path: string, busyTimeoutMs: number): string {
  if (err instanceof OldLockHeld) {
    return `the lock directory ${path}.lock of an older factorgate stayed for ${busyTimeoutMs} ms: stop every older factorgate that uses this file, then remove that directory`;
  }
  return `another process kept the database locked for ${busyTimeoutMs} ms`;
}

/** SQLite's messages name tables and columns, never the values bound to a statement. */
function reason(err: unknown): string {
  return err instanceof Error ? err.message.slice(0, 200) : 'non-error thrown';
}
