import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Database } from '../../src/otp/sqlite_binding.js';
import { asFactorgateError } from '../../src/errors.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { deviceStoreContract } from './helpers/device_store_contract.js';
import { passkeyStoreContract } from './helpers/passkey_store_contract.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-otp-sqlite-'));
  dirs.push(dir);
  return dir;
};
after(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** Another process that opens the file, starts a write transaction and holds it until killed. */
async function lockingProcess(path: string): Promise<{ kill(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'sqlite_lock_child.ts'), path], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`the locking process exited (${code}) before taking the lock`)));
  });
  return { kill: async () => { child.kill('SIGKILL'); await exited; } };
}

deviceStoreContract('SQLite device store', { alice: 'alice', bob: 'bob' }, async () => {
  const path = join(tempDir(), 'devices.sqlite');
  const clock = new FakeClock();
  const store = await SqliteDeviceStore.open({ path, clock });
  return { store, clock, another: () => SqliteDeviceStore.open({ path, clock }) };
});

passkeyStoreContract('SQLite device store', async () => {
  const clock = new FakeClock();
  return { store: await SqliteDeviceStore.open({ path: join(tempDir(), 'devices.sqlite'), clock }), clock };
});

describe('SQLite device store (src/otp/sqlite_device_store.ts): the file', function () {
  this.timeout(30_000);

  it('creates the file and its folder on first run, readable by the owner only (its write-ahead log too), with a schema_version', async () => {
    const path = join(tempDir(), 'state', 'nested', 'otp.sqlite');
    expect(existsSync(path)).to.equal(false);
    const store = await SqliteDeviceStore.open({ path });
    await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    for (const file of [`${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777, file).to.equal(0o600);
    await store.close();
    expect(statSync(path).isFile()).to.equal(true);
    expect(statSync(path).mode & 0o777).to.equal(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).to.equal(0o700);
    expect(readFileSync(path).subarray(0, 16).toString('latin1')).to.equal('SQLite format 3\0');
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_version').all()).to.deep.equal([{ version: 3 }]);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    } finally {
      db.close();
    }
  });

  it('keeps devices across a restart: a store opened again on the file sees them', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    const first = await SqliteDeviceStore.open({ path });
    const added = await first.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    await first.activate('alice', added.id);
    await first.recordUse('alice', added.id, 42, 1234);
    await first.close();
    const again = await SqliteDeviceStore.open({ path });
    try {
      expect(await again.list('alice')).to.deep.equal([{ ...added, active: true, lastStep: 42, lastUsedAt: 1234 }]);
      expect(await again.recordUse('alice', added.id, 42, 9999), 'the step is remembered across the restart').to.equal(false);
    } finally {
      await again.close();
    }
  });

  it('holds the secret sealed: the clear secret appears nowhere in the file', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    const keyring = new Keyring('otp-test-secret-0123456789-abcdefghijk');
    const secret = new Totp().generateSecret();
    const id = newDeviceId();
    const store = await SqliteDeviceStore.open({ path });
    await store.add('alice', { id, name: 'Phone', sealedSecret: sealSecret(keyring, 'alice', id, secret) });
    await store.close();
    const bytes = readFileSync(path);
    expect(bytes.includes(Buffer.from(secret))).to.equal(false);
    expect(bytes.includes(Buffer.from(secret.toLowerCase()))).to.equal(false);
    expect(bytes.includes(Buffer.from(secret.slice(0, 12)))).to.equal(false);
    expect(bytes.includes(Buffer.from('Phone'))).to.equal(true); // the file was written, just not the secret
  });

  it('refuses a file from a newer factorgate (a higher schema_version) rather than guess', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    await (await SqliteDeviceStore.open({ path })).close();
    const db = new Database(path);
    db.prepare('UPDATE schema_version SET version = ?').run(4);
    db.close();
    const err = await SqliteDeviceStore.open({ path }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error).with.property('message').that.matches(/schema version 4/);
  });

  it('waits while another process writes, then fails closed (store_unavailable); a reader is not held up', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    const store = await SqliteDeviceStore.open({ path, busyTimeoutMs: 150 });
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    const writer = await lockingProcess(path);
    try {
      expect(await store.list('alice'), 'WAL: reading goes on while another process holds the write lock').to.deep.equal([added]);
      const err = await store.recordUse('alice', added.id, 1, 1).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(Error).with.property('name', 'StoreError');
      expect((err as Error).message).to.include('kept the database locked for 150 ms');
      expect(asFactorgateError(err).code).to.equal('store_unavailable');
      expect(store.busyRetries).to.be.above(0);
    } finally {
      await writer.kill();
      await store.close();
    }
  });

  it('needs no cleaning up after a process dies holding the write lock: the kernel drops its lock', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    const store = await SqliteDeviceStore.open({ path, busyTimeoutMs: 100 });
    const added = await store.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    const writer = await lockingProcess(path);
    expect(await store.recordUse('alice', added.id, 1, 1).then(() => 'written', () => 'locked')).to.equal('locked');
    await writer.kill(); // SIGKILL mid-transaction, as a crash would
    try {
      expect(await store.recordUse('alice', added.id, 1, 1)).to.equal(true);
      expect(existsSync(`${path}.lock`)).to.equal(false);
    } finally {
      await store.close();
    }
  });

  it('fails closed when the file cannot be created', async () => {
    const blocker = join(tempDir(), 'a-file');
    await (await SqliteDeviceStore.open({ path: blocker })).close();
    const err = await SqliteDeviceStore.open({ path: join(blocker, 'otp.sqlite') }).then(() => undefined, (e: unknown) => e);
    expect(asFactorgateError(err).code).to.equal('store_unavailable');
  });

  it('lets exactly one of four processes record each step, racing on one file', async () => {
    const path = join(tempDir(), 'otp.sqlite');
    const setup = await SqliteDeviceStore.open({ path });
    const { id } = await setup.add('alice', { id: newDeviceId(), name: 'Phone', sealedSecret: 'sealed' });
    const FIRST = 500;
    const COUNT = 40;
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'sqlite_race_child.ts'), path, 'alice', id, String(FIRST), String(COUNT)], { cwd: join(import.meta.dirname, '..', '..'), stdio: ['pipe', 'pipe', 'inherit'] }));
    const outputs = children.map((child) => new Promise<string[]>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve(out.trim().split('\n')) : reject(new Error(`racer exited ${code}: ${out}`))));
    }));
    const ready = children.map((child) => new Promise<void>((resolve) => child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve())));
    await Promise.all(ready);
    const start = Date.now() + 100;
    for (const child of children) child.stdin.write(`go ${start}\n`);
    const results = (await Promise.all(outputs)).map((lines) => JSON.parse(lines.at(-1)!) as { won: number[]; busy: number });
    const won = results.map((r) => r.won);
    // Proof that the racers really met: one found the file locked by another, or more than one won.
    const busy = results.reduce((sum, r) => sum + r.busy, 0);
    expect(busy + won.filter((steps) => steps.length > 0).length, `busy ${busy}, wins ${won.map((w) => w.length)}`).to.be.at.least(2);
    const all = won.flat().sort((a, b) => a - b);
    expect(all, 'every step won exactly once').to.deep.equal(Array.from({ length: COUNT }, (_, i) => FIRST + i));
    expect((await setup.get('alice', id))!.lastStep).to.equal(FIRST + COUNT - 1);
    await setup.close();
  });
});
