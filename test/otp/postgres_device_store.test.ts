import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { loadConfig } from '../../src/config/load.js';
import { asFactorgateError } from '../../src/errors.js';
import { newDeviceId, type DeviceStore, type OtpDevice } from '../../src/otp/device_store.js';
import { openDeviceStore } from '../../src/otp/open_device_store.js';
import { POSTGRES_SCHEMA_VERSION, PostgresDeviceStore, type PostgresDeviceStoreOptions } from '../../src/otp/postgres_device_store.js';
import { FakeClock } from '../helpers/clock.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres_server.js';
import { countingRelay } from '../helpers/tcp_relay.js';
import { deviceStoreContract } from './helpers/device_store_contract.js';
import { passkeyStoreContract } from './helpers/passkey_store_contract.js';

const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (e: unknown) => e);

describe('PostgreSQL device store (src/otp/postgres_device_store.ts) against a real PostgreSQL', function () {
  this.timeout(30_000);
  let server: PostgresServer;
  const clients: pg.Client[] = [];
  const stores: DeviceStore[] = [];

  before(async function () {
    this.timeout(60_000);
    server = await startPostgres({ tls: true }); // TLS on; plain connections are still accepted
  });
  after(async function () {
    // Removing the data folder (a database per test, several hundred MB) takes a while on a busy disk.
    this.timeout(120_000);
    await server?.stop();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.end().catch(() => undefined);
    for (const store of stores.splice(0)) await store.close();
  });

  const optionsFor = (database: string, extra: Partial<PostgresDeviceStoreOptions> = {}): PostgresDeviceStoreOptions => ({
    host: server.host, port: server.port, database, user: server.user, password: server.password,
    tls: { mode: 'disable' }, timeoutMs: 3000, maxConnections: 4, ...extra,
  });
  const open = async (database: string, extra: Partial<PostgresDeviceStoreOptions> = {}) => {
    const store = await PostgresDeviceStore.open(optionsFor(database, extra));
    stores.push(store);
    return store;
  };
  const connect = async (database: string) => {
    const client = await server.connect(database);
    clients.push(client);
    return client;
  };
  /** Resolves once a statement of `database` waits for a lock: proof that it met the other one. */
  const untilWaitingForLock = async (client: pg.Client, database: string) => {
    for (;;) {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database]);
      if (rows[0].n > 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const untilNoneWaiting = async (client: pg.Client, database: string) => {
    for (;;) {
      const { rows } = await client.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'", [database]);
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  deviceStoreContract('PostgreSQL device store', { alice: 'alice', bob: 'bob' }, async () => {
    const database = await server.createDatabase();
    const clock = new FakeClock();
    return { store: await PostgresDeviceStore.open(optionsFor(database, { clock })), clock, another: () => PostgresDeviceStore.open(optionsFor(database, { clock })) };
  });

  // One database for the whole contract, emptied before each test: each new database is another 8 MB to remove.
  let passkeyDatabase: string | undefined;
  passkeyStoreContract('PostgreSQL device store', async () => {
    const clock = new FakeClock();
    passkeyDatabase ??= await server.createDatabase();
    const store = await PostgresDeviceStore.open(optionsFor(passkeyDatabase, { clock }));
    const client = await connect(passkeyDatabase);
    await client.query('TRUNCATE factorgate_webauthn_credentials');
    return { store, clock };
  });

  /** As factorgate opens it: from otp.postgres, the password from a _FILE variable, TLS verify-full against the CA file. */
  const fromConfig = async (database: string, clock: FakeClock, extraEnv: Record<string, string> = {}) => {
    const dir = mkdtempSync(join(tmpdir(), 'factorgate-pg-secret-'));
    try {
      writeFileSync(join(dir, 'password'), `${server.password}\n`, { mode: 0o600 });
      const config = loadConfig({
        env: {
          FACTORGATE_GATEWAY_URL: 'http://gateway.test', FACTORGATE_SECRET: 'postgres-test-secret-0123456789-abcdef',
          FACTORGATE_OTP_STORE: 'postgres', FACTORGATE_OTP_POSTGRES_HOST: server.host, FACTORGATE_OTP_POSTGRES_PORT: String(server.port),
          FACTORGATE_OTP_POSTGRES_DATABASE: database, FACTORGATE_OTP_POSTGRES_USER: server.user,
          FACTORGATE_OTP_POSTGRES_PASSWORD_FILE: join(dir, 'password'), FACTORGATE_OTP_POSTGRES_TLS_CA_FILE: server.caFile!,
          ...extraEnv,
        },
      });
      return await openDeviceStore(config.otp, clock);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };

  deviceStoreContract('PostgreSQL device store (opened from otp.postgres, TLS verify-full)', { alice: 'alice', bob: 'bob' }, async () => {
    const database = await server.createDatabase();
    const clock = new FakeClock();
    return { store: await fromConfig(database, clock), clock, another: () => fromConfig(database, clock) };
  });

  describe('schema migrations', () => {
    it('creates its tables on first open, at schema version 2; opening again changes nothing', async () => {
      const database = await server.createDatabase();
      const first = await open(database);
      const id = newDeviceId();
      await first.add('alice', { id, name: 'Phone', sealedSecret: 'sealed' });
      await open(database);
      const client = await connect(database);
      expect((await client.query('SELECT version FROM factorgate_otp_schema ORDER BY version')).rows).to.deep.equal([{ version: 1 }, { version: 2 }]);
      expect((await client.query('SELECT id FROM factorgate_otp_devices')).rows).to.deep.equal([{ id }]);
    });

    it('migrates a version-1 database (devices only) in place: its devices stay, passkeys can be added', async () => {
      const database = await server.createDatabase();
      const client = await connect(database);
      // What a factorgate of schema version 1 left behind.
      await client.query(`CREATE TABLE factorgate_otp_schema (version integer NOT NULL);
        INSERT INTO factorgate_otp_schema (version) VALUES (1);
        CREATE TABLE factorgate_otp_devices (user_name text NOT NULL, id text NOT NULL, name text NOT NULL, created_at bigint NOT NULL,
          last_used_at bigint, last_step bigint, active boolean NOT NULL, sealed_secret text NOT NULL, PRIMARY KEY (user_name, id));`);
      const id = newDeviceId();
      await client.query("INSERT INTO factorgate_otp_devices VALUES ('alice', $1, 'Phone', 5, NULL, 42, true, 'sealed')", [id]);
      const store = await open(database);
      expect(await store.list('alice')).to.deep.equal([{ id, user: 'alice', name: 'Phone', createdAt: 5, lastStep: 42, active: true, sealedSecret: 'sealed' }]);
      const added = await store.addPasskey('alice', { id: newDeviceId(), name: 'Key', credentialId: 'cred-1', publicKey: 'pQECAyYg', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
      expect(added && await store.listPasskeys('alice')).to.deep.equal([added]);
      expect((await client.query('SELECT max(version) AS v FROM factorgate_otp_schema')).rows).to.deep.equal([{ v: 2 }]);
    });

    it('lets several instances start at once: one migrates, the others wait for it and find it done', async () => {
      const database = await server.createDatabase();
      const all = await Promise.all([1, 2, 3, 4].map(() => open(database)));
      expect(all).to.have.length(4);
      const client = await connect(database);
      expect((await client.query('SELECT version FROM factorgate_otp_schema ORDER BY version')).rows).to.deep.equal([{ version: 1 }, { version: 2 }]);
    });

    it('refuses a database migrated by a newer factorgate, rather than guess', async () => {
      const database = await server.createDatabase();
      await open(database);
      const client = await connect(database);
      await client.query('INSERT INTO factorgate_otp_schema (version) VALUES ($1)', [POSTGRES_SCHEMA_VERSION + 1]);
      const err = await failure(PostgresDeviceStore.open(optionsFor(database)));
      expect(err).to.be.instanceOf(Error).with.property('message').that.includes(`the database has schema version ${POSTGRES_SCHEMA_VERSION + 1}; this factorgate knows ${POSTGRES_SCHEMA_VERSION}`);
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
    });
  });

  describe('two connections on one row', () => {
    it('a use recorded while another connection holds the row waits, then sees the committed step and refuses the code', async () => {
      const database = await server.createDatabase();
      const store = await open(database);
      const { id } = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
      const other = await connect(database);
      const watcher = await connect(database);
      await other.query('BEGIN');
      await other.query('UPDATE factorgate_otp_devices SET last_step = 300, last_used_at = 1 WHERE id = $1 AND (last_step IS NULL OR last_step < 300)', [id]);
      const racing = store.recordUse('alice', id, 300, 2);
      await untilWaitingForLock(watcher, database);
      await other.query('COMMIT');
      expect(await racing, 'the other connection used step 300 first').to.equal(false);
      expect(await store.get('alice', id)).to.include({ lastStep: 300, lastUsedAt: 1 });
    });

    it('a passkey\'s counter recorded while another connection holds the row waits, then sees the new counter and refuses the assertion', async () => {
      const database = await server.createDatabase();
      const store = await open(database);
      const added = await store.addPasskey('alice', { id: newDeviceId(), name: 'Key', credentialId: 'cred-held', publicKey: 'pQECAyYg', counter: 3, transports: [], aaguid: '00000000-0000-0000-0000-000000000000' });
      if (!added) throw new Error('not added');
      const other = await connect(database);
      const watcher = await connect(database);
      await other.query('BEGIN');
      await other.query('UPDATE factorgate_webauthn_credentials SET counter = 4, last_used_at = 1 WHERE id = $1 AND counter = 3', [added.id]);
      const racing = store.recordPasskeyUse('alice', added.id, 3, 4, 2);
      await untilWaitingForLock(watcher, database);
      await other.query('COMMIT');
      expect(await racing, 'the other instance accepted an assertion at counter 3 first').to.equal(false);
      expect(await store.getPasskey('alice', added.id)).to.include({ counter: 4, lastUsedAt: 1 });
    });

    it('and takes the step when the other connection rolls back', async () => {
      const database = await server.createDatabase();
      const store = await open(database);
      const { id } = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
      const other = await connect(database);
      const watcher = await connect(database);
      await other.query('BEGIN');
      await other.query('UPDATE factorgate_otp_devices SET last_step = 300 WHERE id = $1', [id]);
      const racing = store.recordUse('alice', id, 300, 2);
      await untilWaitingForLock(watcher, database);
      await other.query('ROLLBACK');
      expect(await racing).to.equal(true);
      expect(await store.get('alice', id)).to.include({ lastStep: 300, lastUsedAt: 2 });
    });
  });

  describe('failing closed', () => {
    it('a statement held up past timeoutMs fails (store_unavailable), and the server gives up on it too', async () => {
      const database = await server.createDatabase();
      const store = await open(database, { timeoutMs: 300 });
      const { id } = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
      const other = await connect(database);
      const watcher = await connect(database);
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM factorgate_otp_devices WHERE id = $1 FOR UPDATE', [id]);
      const err = await failure(store.recordUse('alice', id, 5, 5));
      expect(err).to.be.instanceOf(Error).with.property('name', 'StoreError');
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      await untilNoneWaiting(watcher, database); // statement_timeout ended it on the server, with the row still held
      await other.query('ROLLBACK');
      expect(await store.get('alice', id), 'nothing was recorded').to.not.have.property('lastStep');
    });

    it('a server that accepts the connection and says nothing: opening fails closed', async () => {
      const silent = await listening(createServer(() => undefined));
      try {
        const err = await failure(PostgresDeviceStore.open({ ...optionsFor('any'), port: port(silent), timeoutMs: 300 }));
        expect(asFactorgateError(err).code).to.equal('store_unavailable');
      } finally {
        silent.close();
      }
    });

    it('a wrong password fails closed, and the reason holds neither password', async () => {
      const database = await server.createDatabase();
      const err = await failure(PostgresDeviceStore.open(optionsFor(database, { password: 'not-the-password' })));
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect((err as Error).message).to.include('password authentication failed').and.not.include('not-the-password').and.not.include(server.password);
    });

    it('a reason never holds the values of a row (PostgreSQL puts them in its detail)', async () => {
      const database = await server.createDatabase();
      const store = await open(database);
      const device = { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed-value-that-must-not-be-logged' };
      await store.add('alice-the-user', device);
      const err = await failure(store.add('alice-the-user', device));
      expect(err).to.be.instanceOf(Error).with.property('name', 'StoreError');
      expect((err as Error).message).to.match(/23505/).and.not.include('alice-the-user').and.not.include(device.id);
    });

    it('put (for devices copied from a file) refuses a device no store keeps, with a TypeError, and adds nothing', async () => {
      const store = await open(await server.createDatabase());
      const good: OtpDevice = { id: newDeviceId(), user: 'alice', name: 'Phone', createdAt: 5, active: true, sealedSecret: 'sealed', lastStep: 9, lastUsedAt: 7 };
      for (const bad of [{ ...good, id: 'not-an-id!' }, { ...good, name: 'a\nb' }, { ...good, lastStep: -1 }, { ...good, createdAt: 1.5 }, { ...good, user: '' }]) {
        expect(await failure(store.put(bad)), JSON.stringify(bad)).to.be.instanceOf(TypeError);
      }
      expect(await store.list('alice')).to.deep.equal([]);
      expect(await store.put(good)).to.equal(true);
      expect(await store.list('alice')).to.deep.equal([good]);
    });

    it('a user name PostgreSQL cannot hold (a NUL) matches nothing, without an error', async () => {
      const store = await open(await server.createDatabase());
      expect(await store.list('ali\0ce')).to.deep.equal([]);
      expect(await store.get('ali\0ce', newDeviceId())).to.equal(undefined);
      expect(await store.recordUse('ali\0ce', newDeviceId(), 1, 1)).to.equal(false);
    });
  });

  describe('TLS (otp.postgres.tls)', () => {
    const ca = () => readFileSync(server.caFile!, 'utf8');

    it('verify-full: nothing of the devices crosses the wire in clear (and without TLS, it would)', async () => {
      const database = await server.createDatabase();
      const relay = await countingRelay(() => `postgres://127.0.0.1:${server.port}`);
      const { port: relayPort } = new URL(relay.url);
      try {
        for (const tls of [{ mode: 'verify-full' as const, ca: ca() }, { mode: 'disable' as const }]) {
          const store = await open(database, { port: Number(relayPort), tls });
          await store.add(`user-${tls.mode}`, { id: newDeviceId(), name: `device-${tls.mode}`, sealedSecret: 'sealed' });
          await store.close();
        }
        const wire = relay.sent().toString('latin1');
        expect(wire).to.not.include('user-verify-full').and.not.include('device-verify-full');
        expect(wire, 'the control: the same over a plain connection is visible').to.include('user-disable').and.include('device-disable');
      } finally {
        await relay.close();
      }
    });

    it('verify-full refuses a certificate for another name; verify-ca takes it', async () => {
      const database = await server.createDatabase();
      // The certificate is for 127.0.0.1 and localhost; reached as 127.0.0.2 it names another host.
      const relay = await countingRelay(() => `postgres://127.0.0.1:${server.port}`, 0, '127.0.0.2');
      try {
        const elsewhere = { host: '127.0.0.2', port: Number(new URL(relay.url).port) };
        const err = await failure(PostgresDeviceStore.open(optionsFor(database, { ...elsewhere, tls: { mode: 'verify-full', ca: ca() } })));
        expect(asFactorgateError(err).code).to.equal('store_unavailable');
        expect((err as Error).message).to.match(/IP: 127\.0\.0\.2 is not in the cert's list/);
        const store = await open(database, { ...elsewhere, tls: { mode: 'verify-ca', ca: ca() } });
        expect(await store.list('alice')).to.deep.equal([]);
      } finally {
        await relay.close();
      }
    });

    it('verify-full without the CA (the system CAs only) refuses the self-signed certificate', async () => {
      const err = await failure(PostgresDeviceStore.open(optionsFor(await server.createDatabase(), { tls: { mode: 'verify-full' } })));
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect((err as Error).message).to.match(/self-signed certificate/);
    });

    it('a server that refuses TLS fails closed rather than talk in clear', async () => {
      // What PostgreSQL without ssl answers to the client's SSLRequest: a single N.
      const noTls = await listening(createServer((socket) => socket.once('data', () => socket.end('N'))));
      try {
        const err = await failure(PostgresDeviceStore.open({ ...optionsFor('any'), port: port(noTls), tls: { mode: 'verify-full', ca: ca() } }));
        expect(asFactorgateError(err).code).to.equal('store_unavailable');
        expect((err as Error).message).to.match(/does not support SSL/);
      } finally {
        noTls.close();
      }
    });
  });
});

function listening(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function port(server: Server): number {
  return (server.address() as { port: number }).port;
}
