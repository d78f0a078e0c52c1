import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load.js';
import { checkCode } from '../../src/otp/check_code.js';
import { runDevicesCommand } from '../../src/otp/devices_cli.js';
import { newDeviceId, type OtpDevice } from '../../src/otp/device_store.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { PostgresDeviceStore } from '../../src/otp/postgres_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';
import { startPostgres, type PostgresServer } from '../helpers/postgres_server.js';

// `factorgate devices copy FILE`: from one instance's SQLite file to the PostgreSQL store that
// several instances share, on the fixture file of the older store; run in this process, and once
// through the CLI as an administrator would.

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, 'fixtures');
const FIXTURE_KEYRING_SECRET = 'fixture-keyring-secret-for-tests-only-0123456789';
const expected = JSON.parse(readFileSync(join(FIXTURES, 'wasm-devices.json'), 'utf8')) as Array<{ secret: string; device: OtpDevice }>;

describe('factorgate devices copy: an SQLite device file into PostgreSQL', function () {
  this.timeout(60_000);
  let server: PostgresServer;
  let dir: string;
  let file: string;
  let database: string;

  before(async function () {
    this.timeout(60_000);
    server = await startPostgres();
  });
  after(async () => server?.stop());
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factorgate-copy-'));
    file = join(dir, 'otp-devices.sqlite');
    copyFileSync(join(FIXTURES, 'wasm-devices.sqlite'), file);
    database = await server.createDatabase();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const environment = (env: Record<string, string>) => ({
    FACTORGATE_GATEWAY_URL: 'http://gateway.test', FACTORGATE_SECRET: FIXTURE_KEYRING_SECRET,
    FACTORGATE_OTP_STORE: 'postgres', FACTORGATE_OTP_POSTGRES_HOST: server.host, FACTORGATE_OTP_POSTGRES_PORT: String(server.port),
    FACTORGATE_OTP_POSTGRES_DATABASE: database, FACTORGATE_OTP_POSTGRES_USER: server.user, FACTORGATE_OTP_POSTGRES_PASSWORD: server.password,
    FACTORGATE_OTP_POSTGRES_TLS_MODE: 'disable', ...env,
  });
  /** The command as the CLI runs it, in this process: what it printed and its exit code. */
  const factorgate = async (args: string[], env: Record<string, string> = {}) => {
    const run = { status: -1, stdout: '', stderr: '' };
    const config = loadConfig({ env: environment(env) });
    run.status = await runDevicesCommand(args.slice(1), config.otp, (t) => (run.stdout += t), (t) => (run.stderr += t));
    return run;
  };
  const target = () => PostgresDeviceStore.open({ host: server.host, port: server.port, database, user: server.user, password: server.password, tls: { mode: 'disable' }, timeoutMs: 3000, maxConnections: 2, clock: new FakeClock() });

  it('copies every device as it was, and each one\'s last step: the last code stays used, the next one logs in', async () => {
    const run = await factorgate(['devices', 'copy', file]);
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal(`copied 4 devices of 2 users from ${file} into PostgreSQL (0 were there already)\ncopied 0 passkeys (0 were there already)\n`);
    const store = await target();
    try {
      for (const user of new Set(expected.map((e) => e.device.user))) {
        expect(await store.list(user), user).to.deep.equal(expected.filter((e) => e.device.user === user).map((e) => e.device));
      }
      const totp = new Totp();
      const clock = new FakeClock();
      const deps = { store, keyring: new Keyring(FIXTURE_KEYRING_SECRET), totp, clock, logger: captureLogs().logger };
      const { secret, device } = expected.find((e) => e.device.lastStep !== undefined)!;
      clock.advance((device.lastStep! + 1) * 30_000 - clock.now());
      expect(await checkCode(deps, device.user, totp.codeAt(secret, device.lastStep! * 30_000))).to.deep.equal({ outcome: 'fail', reason: 'reused' });
      expect(await checkCode(deps, device.user, totp.codeAt(secret, clock.now()))).to.include({ outcome: 'success', deviceId: device.id });
    } finally {
      await store.close();
    }
  });

  it('copies the passkeys too, each as it was (counter, dates): a copied key goes on from its counter; nothing twice', async () => {
    const clock = new FakeClock();
    const sqlite = await SqliteDeviceStore.open({ path: file, clock });
    const passkey = (name: string, credentialId: string) => ({ id: newDeviceId(), name, credentialId, publicKey: 'pQECAyYg', counter: 0, transports: ['usb'], aaguid: '00000000-0000-0000-0000-000000000000' });
    const used = await sqlite.addPasskey('alice', passkey('Blue key', 'cred-alice'));
    clock.advance(1000);
    const fresh = await sqlite.addPasskey('bob', passkey('Laptop', 'cred-bob'));
    if (!used || !fresh) throw new Error('not added');
    expect(await sqlite.recordPasskeyUse('alice', used.id, 0, 41, 5000)).to.equal(true);
    const kept = await sqlite.allPasskeys();
    await sqlite.close();

    const run = await factorgate(['devices', 'copy', file]);
    expect(run.status).to.equal(0);
    expect(run.stdout).to.include('copied 2 passkeys (0 were there already)');
    const store = await target();
    try {
      expect([...await store.listPasskeys('alice'), ...await store.listPasskeys('bob')]).to.deep.equal(kept);
      expect(kept[0]).to.include({ counter: 41, lastUsedAt: 5000 });
      // An assertion read at the counter from before the copy is one the file had accepted: refused.
      expect(await store.recordPasskeyUse('alice', used.id, 0, 42, 6000)).to.equal(false);
      expect(await store.recordPasskeyUse('alice', used.id, 41, 42, 6000)).to.equal(true);
    } finally {
      await store.close();
    }
    const again = await factorgate(['devices', 'copy', file]);
    expect(again.stdout).to.include('copied 0 passkeys (2 were there already)');
    const after = await target();
    expect((await after.getPasskey('alice', used.id))?.counter, 'the use since the copy is kept').to.equal(42);
    await after.close();
  });

  it('copies nothing twice: run again, it leaves every device as PostgreSQL has it', async () => {
    expect((await factorgate(['devices', 'copy', file])).status).to.equal(0);
    const store = await target();
    const { device } = expected.find((e) => e.device.lastStep !== undefined)!;
    expect(await store.recordUse(device.user, device.id, device.lastStep! + 5, 1)).to.equal(true);
    await store.close();
    const again = await factorgate(['devices', 'copy', file]);
    expect(again.status).to.equal(0);
    expect(again.stdout).to.include('copied 0 devices of 2 users').and.include('(4 were there already)');
    const after = await target();
    expect((await after.get(device.user, device.id))!.lastStep, 'the step used since the copy is kept').to.equal(device.lastStep! + 5);
    await after.close();
  });

  it('refuses to copy anywhere but PostgreSQL, or from a file that is not there', async () => {
    const toSqlite = await factorgate(['devices', 'copy', file], { FACTORGATE_OTP_STORE: 'sqlite' });
    expect(toSqlite.status).to.equal(2);
    expect(toSqlite.stderr).to.include('otp.store is sqlite; set it to postgres');
    const missing = await factorgate(['devices', 'copy', join(dir, 'no-such.sqlite')]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.include('no-such.sqlite does not exist');
  });

  it('fails with exit code 1 when PostgreSQL refuses, saying why without the password', async () => {
    const run = await factorgate(['devices', 'copy', file], { FACTORGATE_OTP_POSTGRES_PASSWORD: 'wrong-password-for-the-test' });
    expect(run.status).to.equal(1);
    expect(run.stderr).to.include('password authentication failed').and.not.include('wrong-password-for-the-test');
  });

  it('is the CLI\'s `factorgate devices copy FILE`', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src', 'cli.ts'), 'devices', 'copy', file], {
      cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, ...environment({}) },
    });
    expect(run.stderr).to.equal('');
    expect(run.status).to.equal(0);
    expect(run.stdout).to.equal(`copied 4 devices of 2 users from ${file} into PostgreSQL (0 were there already)\ncopied 0 passkeys (0 were there already)\n`);
  });
});
