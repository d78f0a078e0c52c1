import { expect } from 'chai';
import { Database } from '../../src/otp/sqlite_binding.js';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asFactorgateError } from '../../src/errors.js';
import { checkCode } from '../../src/otp/check_code.js';
import type { OtpDevice } from '../../src/otp/device_store.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';

// A device file written by the store as it was on node-sqlite3-wasm (test/otp/fixtures/README.md),
// opened by today's store: migrated in place, every device and its last step kept.

const FIXTURES = join(import.meta.dirname, 'fixtures');
/** The keyring secret the fixture's device secrets were sealed with (a test value). */
const FIXTURE_KEYRING_SECRET = 'fixture-keyring-secret-for-tests-only-0123456789';
const expected = JSON.parse(readFileSync(join(FIXTURES, 'wasm-devices.json'), 'utf8')) as Array<{ secret: string; device: OtpDevice }>;
const users = [...new Set(expected.map((e) => e.device.user))];

describe('SQLite device store: a file from the node-sqlite3-wasm store', function () {
  this.timeout(20_000);
  let dir: string;
  let path: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'factorgate-otp-migration-'));
    path = join(dir, 'devices.sqlite');
    copyFileSync(join(FIXTURES, 'wasm-devices.sqlite'), path);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is a version-1 file in rollback-journal mode before it is opened', () => {
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_version').all()).to.deep.equal([{ version: 1 }]);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('delete');
    } finally {
      db.close();
    }
  });

  it('keeps every device, field for field, and turns the file to WAL at version 3, with an empty passkeys\' table', async () => {
    const store = await SqliteDeviceStore.open({ path });
    try {
      for (const user of users) {
        expect(await store.list(user), user).to.deep.equal(expected.filter((e) => e.device.user === user).map((e) => e.device));
      }
    } finally {
      await store.close();
    }
    const db = new Database(path, { readonly: true });
    try {
      expect(db.prepare('SELECT version FROM schema_version').all()).to.deep.equal([{ version: 3 }]);
      expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
      expect(db.prepare('SELECT COUNT(*) AS n FROM webauthn_credentials').get()).to.deep.equal({ n: 0 });
    } finally {
      db.close();
    }
  });

  it('keeps each device\'s last step: its code is still refused as used, the next one logs in', async () => {
    const used = expected.filter((e) => e.device.lastStep !== undefined);
    expect(used).to.have.length.above(1);
    const totp = new Totp();
    const clock = new FakeClock();
    const logs = captureLogs();
    const store = await SqliteDeviceStore.open({ path, clock });
    const deps = { store, keyring: new Keyring(FIXTURE_KEYRING_SECRET), totp, clock, logger: logs.logger };
    try {
      for (const { secret, device } of used) {
        const last = device.lastStep! * 30_000;
        clock.advance(last + 30_000 - clock.now()); // the step after the last one used
        expect(await checkCode(deps, device.user, totp.codeAt(secret, last)), `${device.user}: the last code`).to.deep.equal({ outcome: 'fail', reason: 'reused' });
        expect(await checkCode(deps, device.user, totp.codeAt(secret, clock.now())), `${device.user}: the next code`)
          .to.deep.equal({ outcome: 'success', deviceId: device.id, step: device.lastStep! + 1 });
      }
    } finally {
      await store.close();
    }
  });

  it('is opened by several stores at once, migrated once', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => SqliteDeviceStore.open({ path })));
    try {
      for (const store of stores) expect(await store.list('alice')).to.have.length(3);
    } finally {
      for (const store of stores) await store.close();
    }
  });

  it('waits for the lock directory of an older factorgate, and fails closed naming it if it stays', async () => {
    mkdirSync(`${path}.lock`); // an older factorgate writing, or one that died while it did
    const err = await SqliteDeviceStore.open({ path, busyTimeoutMs: 100 }).then(() => undefined, (e: unknown) => e);
    expect(asFactorgateError(err).code).to.equal('store_unavailable');
    expect((err as Error).message).to.include(`${path}.lock`).and.to.include('stop every older factorgate');
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT version FROM schema_version').all(), 'not migrated under an older writer').to.deep.equal([{ version: 1 }]);
    db.close();
    rmSync(`${path}.lock`, { recursive: true });
    const store = await SqliteDeviceStore.open({ path });
    expect(await store.list('alice')).to.have.length(3);
    await store.close();
    expect(existsSync(`${path}.lock`), 'the migration leaves no lock directory behind').to.equal(false);
  });

  it('ignores such a lock directory once the file is migrated: no older factorgate can open it any more', async () => {
    await (await SqliteDeviceStore.open({ path })).close();
    mkdirSync(`${path}.lock`);
    const store = await SqliteDeviceStore.open({ path, busyTimeoutMs: 100 });
    try {
      expect(await store.list('alice')).to.have.length(3);
      expect(await store.recordUse('alice', expected[0]!.device.id, expected[0]!.device.lastStep! + 1, 1)).to.equal(true);
    } finally {
      await store.close();
    }
  });
});
