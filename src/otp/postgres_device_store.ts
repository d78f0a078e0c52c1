import pg from 'pg';
import type { ConnectionOptions } from 'node:tls';
import { systemClock, type Clock } from '../clock.js';
import {
  DeviceStoreError, checkCounter, checkDeviceName, checkNewDevice, checkNewPasskey, checkStep, passkeyFromRow,
  type DeviceStore, type NewOtpDevice, type NewPasskey, type OtpDevice, type Passkey, type PasskeyStore,
} from './device_store.js';

// Devices in a PostgreSQL database that every factorgate instance shares, so a device registered
// through one instance logs in through any other, and a code accepted by one is refused by all
// (the step is recorded by one UPDATE that compares and sets: PostgreSQL re-checks the condition
// on the row a concurrent UPDATE just committed); passkeys likewise, their signature counter
// compared and set in one statement. The tables are created and migrated by the
// store itself when it opens. Every statement that carries data is parameterised.

/** Each entry brings the schema one version up; applied in order, each in the opening transaction. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE factorgate_otp_devices (
    user_name text NOT NULL,
    id text NOT NULL,
    name text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint,
    last_step bigint,
    active boolean NOT NULL,
    sealed_secret text NOT NULL,
    PRIMARY KEY (user_name, id)
  )`,
  // 2: passkeys beside the devices. A credential id belongs to one user: unique across the table.
  `CREATE TABLE factorgate_webauthn_credentials (
    user_name text NOT NULL,
    id text NOT NULL,
    name text NOT NULL,
    credential_id text NOT NULL UNIQUE,
    public_key text NOT NULL,
    counter bigint NOT NULL CHECK (counter >= 0 AND counter <= 4294967295),
    transports text[] NOT NULL,
    aaguid text NOT NULL,
    created_at bigint NOT NULL,
    last_used_at bigint,
    PRIMARY KEY (user_name, id)
  )`,
];
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;
/** Taken for the migration, so that instances starting together migrate one after the other. */
const MIGRATION_LOCK = 0x6667_6f74_70; // "fgotp"
const COLUMNS = 'user_name, id, name, created_at, last_used_at, last_step, active, sealed_secret';
const PASSKEY_COLUMNS = 'user_name, id, name, credential_id, public_key, counter, transports, aaguid, created_at, last_used_at';

export type PostgresTls =
  | { mode: 'disable' }
  /** TLS, the server's certificate checked against `ca` (else the system CAs) and, for verify-full, against `host`. */
  | { mode: 'verify-ca' | 'verify-full'; ca?: string };

export type PostgresDeviceStoreOptions = {
  host: string;
  port: number;
  database: string;
  user: string;
  password?: string;
  tls: PostgresTls;
  /** Time allowed for each operation as a whole: waiting for a connection, connecting, the statement. */
  timeoutMs: number;
  /** Connections this instance keeps open at most. */
  maxConnections: number;
  clock?: Clock;
  /** Told when an idle connection breaks (PostgreSQL restarted, say), as text without secrets. */
  onError?: (reason: string) => void;
};

export class PostgresDeviceStore implements DeviceStore, PasskeyStore {
  readonly passkeys: PasskeyStore = this;
  private closed = false;

  private constructor(private readonly pool: pg.Pool, private readonly clock: Clock, private readonly timeoutMs: number) {}

  /** Connects and brings the schema to this factorgate's version; throws DeviceStoreError when it cannot. */
  static async open(options: PostgresDeviceStoreOptions): Promise<PostgresDeviceStore> {
    const pool = new pg.Pool({
      host: options.host,
      port: options.port,
      database: options.database,
      user: options.user,
      ...(options.password !== undefined && { password: options.password }),
      ssl: sslOptions(options.tls),
      max: options.maxConnections,
      connectionTimeoutMillis: options.timeoutMs,
      // The server gives up on a statement too, so a lock wait cannot hold a connection forever.
      statement_timeout: options.timeoutMs,
      query_timeout: options.timeoutMs,
      idleTimeoutMillis: 30_000,
      application_name: 'factorgate',
    });
    // An idle connection that breaks is reported here; without a listener it would end the process.
    pool.on('error', (err) => options.onError?.(reason(err)));
    const store = new PostgresDeviceStore(pool, options.clock ?? systemClock, options.timeoutMs);
    try {
      await store.run('open', () => migrate(pool), options.timeoutMs * 2);
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  async list(user: string): Promise<OtpDevice[]> {
    if (!storable(user)) return [];
    const { rows } = await this.query('list', `SELECT ${COLUMNS} FROM factorgate_otp_devices WHERE user_name = $1 ORDER BY created_at, id COLLATE "C"`, [user]);
    return rows.map(toDevice);
  }

  async get(user: string, id: string): Promise<OtpDevice | undefined> {
    if (!storable(user, id)) return undefined;
    const { rows } = await this.query('get', `SELECT ${COLUMNS} FROM factorgate_otp_devices WHERE user_name = $1 AND id = $2`, [user, id]);
    return rows[0] ? toDevice(rows[0]) : undefined;
  }

  async add(user: string, device: NewOtpDevice): Promise<OtpDevice> {
    checkNewDevice(user, device);
    const added: OtpDevice = { id: device.id, user, name: checkDeviceName(device.name), createdAt: this.clock.now(), active: device.active ?? false, sealedSecret: device.sealedSecret };
    await this.query('add', `INSERT INTO factorgate_otp_devices (${COLUMNS}) VALUES ($1, $2, $3, $4, NULL, NULL, $5, $6)`,
      [user, added.id, added.name, added.createdAt, added.active, added.sealedSecret]);
    return added;
  }

  /**
   * Adds a device exactly as another store kept it (its dates, state and last step), unless the
   * user already has a device with its id: then nothing changes and the answer is false.
   */
  async put(device: OtpDevice): Promise<boolean> {
    checkNewDevice(device.user, device);
    const name = checkDeviceName(device.name);
    for (const [value, what] of [[device.createdAt, 'createdAt'], [device.lastUsedAt ?? 0, 'lastUsedAt'], [device.lastStep ?? 0, 'lastStep']] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`a device's ${what} must be a non-negative integer`);
    }
    return this.changed('put', device.user, device.id,
      `INSERT INTO factorgate_otp_devices (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (user_name, id) DO NOTHING`,
      name, device.createdAt, device.lastUsedAt ?? null, device.lastStep ?? null, device.active, device.sealedSecret);
  }

  async activate(user: string, id: string): Promise<boolean> {
    return this.changed('activate', user, id, 'UPDATE factorgate_otp_devices SET active = true WHERE user_name = $1 AND id = $2');
  }

  async rename(user: string, id: string, name: string): Promise<boolean> {
    return this.changed('rename', user, id, 'UPDATE factorgate_otp_devices SET name = $3 WHERE user_name = $1 AND id = $2', checkDeviceName(name));
  }

  async remove(user: string, id: string): Promise<boolean> {
    return this.changed('remove', user, id, 'DELETE FROM factorgate_otp_devices WHERE user_name = $1 AND id = $2');
  }

  async recordUse(user: string, id: string, step: number, at: number): Promise<boolean> {
    checkStep(step, at);
    // One statement: a concurrent UPDATE of the row makes this one wait, then re-check the
    // condition against the committed row, so of several instances racing on one step exactly
    // one changes it (RFC 6238 §5.2, ASVS 2.8.4).
    return this.changed('recordUse', user, id,
      'UPDATE factorgate_otp_devices SET last_step = $3, last_used_at = $4 WHERE user_name = $1 AND id = $2 AND (last_step IS NULL OR last_step < $3)',
      step, at);
  }

  async listPasskeys(user: string): Promise<Passkey[]> {
    if (!storable(user)) return [];
    const { rows } = await this.query('listPasskeys', `SELECT ${PASSKEY_COLUMNS} FROM factorgate_webauthn_credentials WHERE user_name = $1 ORDER BY created_at, id COLLATE "C"`, [user]);
    return rows.map(toPasskey);
  }

  async getPasskey(user: string, id: string): Promise<Passkey | undefined> {
    if (!storable(user, id)) return undefined;
    const { rows } = await this.query('getPasskey', `SELECT ${PASSKEY_COLUMNS} FROM factorgate_webauthn_credentials WHERE user_name = $1 AND id = $2`, [user, id]);
    return rows[0] ? toPasskey(rows[0]) : undefined;
  }

  async findPasskey(user: string, credentialId: string): Promise<Passkey | undefined> {
    if (!storable(user, credentialId)) return undefined;
    const { rows } = await this.query('findPasskey', `SELECT ${PASSKEY_COLUMNS} FROM factorgate_webauthn_credentials WHERE user_name = $1 AND credential_id = $2`, [user, credentialId]);
    return rows[0] ? toPasskey(rows[0]) : undefined;
  }

  async addPasskey(user: string, passkey: NewPasskey): Promise<Passkey | false> {
    const p = checkNewPasskey(user, passkey);
    const added: Passkey = { ...p, user, createdAt: this.clock.now() };
    // A credential id taken already (by anyone) inserts nothing: the unique index decides, not a read before.
    const { rowCount } = await this.query('addPasskey',
      `INSERT INTO factorgate_webauthn_credentials (${PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL) ON CONFLICT (credential_id) DO NOTHING`,
      [user, p.id, p.name, p.credentialId, p.publicKey, p.counter, p.transports, p.aaguid, added.createdAt]);
    return rowCount === 1 ? added : false;
  }

  /**
   * Adds a passkey exactly as another store kept it (its dates and counter), unless the user has
   * one with its id or anyone has its credential: then nothing changes and the answer is false.
   */
  async putPasskey(passkey: Passkey): Promise<boolean> {
    const p = checkNewPasskey(passkey.user, passkey);
    for (const [value, what] of [[passkey.createdAt, 'createdAt'], [passkey.lastUsedAt ?? 0, 'lastUsedAt']] as const) {
      if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`a passkey's ${what} must be a non-negative integer`);
    }
    const { rowCount } = await this.query('putPasskey',
      `INSERT INTO factorgate_webauthn_credentials (${PASSKEY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [passkey.user, p.id, p.name, p.credentialId, p.publicKey, p.counter, p.transports, p.aaguid, passkey.createdAt, passkey.lastUsedAt ?? null]);
    return rowCount === 1;
  }

  async renamePasskey(user: string, id: string, name: string): Promise<boolean> {
    return this.changed('renamePasskey', user, id, 'UPDATE factorgate_webauthn_credentials SET name = $3 WHERE user_name = $1 AND id = $2', checkDeviceName(name));
  }

  async removePasskey(user: string, id: string): Promise<boolean> {
    return this.changed('removePasskey', user, id, 'DELETE FROM factorgate_webauthn_credentials WHERE user_name = $1 AND id = $2');
  }

  async recordPasskeyUse(user: string, id: string, previous: number, counter: number, at: number): Promise<boolean> {
    checkCounter(previous);
    checkCounter(counter);
    checkStep(0, at);
    // One conditional UPDATE, as recordUse: of two instances accepting assertions read at the same
    // counter, the second waits for the first's row lock, re-checks `counter = previous` against
    // the committed row, and changes nothing.
    return this.changed('recordPasskeyUse', user, id,
      'UPDATE factorgate_webauthn_credentials SET counter = $4, last_used_at = $5 WHERE user_name = $1 AND id = $2 AND counter = $3',
      previous, counter, at);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  /** Runs a statement on one device ($1 user, $2 id, then `more`); true when it changed the device. */
  private async changed(operation: string, user: string, id: string, sql: string, ...more: unknown[]): Promise<boolean> {
    if (!storable(user, id)) return false;
    return (await this.query(operation, sql, [user, id, ...more])).rowCount === 1;
  }

  private query(operation: string, sql: string, values: unknown[]): Promise<pg.QueryResult<Record<string, unknown>>> {
    return this.run(operation, () => this.pool.query(sql, values), this.timeoutMs);
  }

  /** Runs `work` within `withinMs` as a whole; any failure is a DeviceStoreError (fail closed). */
  private async run<T>(operation: string, work: () => Promise<T>, withinMs: number): Promise<T> {
    if (this.closed) throw new DeviceStoreError(operation, 'the store is closed');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeviceStoreError(operation, `no answer within ${withinMs} ms`)), withinMs);
    });
    const attempt = work();
    attempt.catch(() => undefined); // still settles after the deadline won: nobody is waiting then
    try {
      return await Promise.race([attempt, deadline]);
    } catch (err) {
      throw err instanceof DeviceStoreError ? err : new DeviceStoreError(operation, reason(err));
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Applies the migrations this database has not had yet, in one transaction under an advisory
 * lock; refuses a database migrated by a newer factorgate rather than guess.
 */
async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS factorgate_otp_schema (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM factorgate_otp_schema');
    const current = rows[0]?.version ?? 0;
    if (current > POSTGRES_SCHEMA_VERSION) throw new Error(`the database has schema version ${current}; this factorgate knows ${POSTGRES_SCHEMA_VERSION}`);
    for (let version = current + 1; version <= POSTGRES_SCHEMA_VERSION; version += 1) {
      await client.query(MIGRATIONS[version - 1]!);
      await client.query('INSERT INTO factorgate_otp_schema (version) VALUES ($1)', [version]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * node's TLS options for a libpq-like sslmode: verify-ca checks the chain, verify-full the host
 * name (or IP address) as well; pg gives node the host to check against.
 */
function sslOptions(tls: PostgresTls): false | ConnectionOptions {
  if (tls.mode === 'disable') return false;
  return {
    rejectUnauthorized: true,
    ...(tls.ca !== undefined && { ca: tls.ca }),
    ...(tls.mode === 'verify-ca' && { checkServerIdentity: () => undefined }),
  };
}

/** PostgreSQL text holds no NUL: such a name or id cannot be stored, so it matches nothing. */
function storable(...values: string[]): boolean {
  return values.every((v) => !v.includes('\0'));
}

function toDevice(row: Record<string, unknown>): OtpDevice {
  const device: OtpDevice = {
    id: String(row.id),
    user: String(row.user_name),
    name: String(row.name),
    createdAt: Number(row.created_at), // bigint arrives as a string; every value here is a safe integer
    active: row.active === true,
    sealedSecret: String(row.sealed_secret),
  };
  if (row.last_used_at !== null) device.lastUsedAt = Number(row.last_used_at);
  if (row.last_step !== null) device.lastStep = Number(row.last_step);
  return device;
}

function toPasskey(row: Record<string, unknown>): Passkey {
  return passkeyFromRow(row, (row.transports as string[]).map(String));
}

/**
 * The server's message and its SQLSTATE, never its detail: PostgreSQL puts the values of a row in
 * the detail ("Key (user_name, id)=(alice, ...)"), and none of them belongs in a log line.
 */
function reason(err: unknown): string {
  if (!(err instanceof Error)) return 'non-error thrown';
  const code = (err as { code?: unknown }).code;
  return `${typeof code === 'string' ? `${code} ` : ''}${err.message}`.slice(0, 200);
}
