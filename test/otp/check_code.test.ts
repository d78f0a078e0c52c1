import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkCode, type OtpDeps } from '../../src/otp/check_code.js';
import { confirmDevice, enrolDevice } from '../../src/otp/enrol_device.js';
import { openSecret } from '../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';

// The login check and the self-service registration together, on a real SQLite file.

const STEP = 30_000;

describe('TOTP at login and at registration (src/otp/check_code.ts, src/otp/enrol_device.ts)', () => {
  let dir: string;
  let deps: OtpDeps;
  let clock: FakeClock;
  let logs: ReturnType<typeof captureLogs>;
  const keyring = new Keyring('otp-test-secret-0123456789-abcdefghijk');

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'factorgate-otp-check-'));
    clock = new FakeClock();
    logs = captureLogs();
    deps = { store: await SqliteDeviceStore.open({ path: join(dir, 'otp.sqlite'), clock }), keyring, totp: new Totp(), clock, logger: logs.logger };
  });
  afterEach(async () => {
    await deps.store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Registers and confirms a device; gives its id and clear secret (read back from the URI). */
  async function registered(user = 'alice', name = 'Phone'): Promise<{ id: string; secret: string }> {
    const enrol = await enrolDevice(deps, user, name);
    if (enrol.outcome !== 'challenge') throw new Error('not enrolled');
    const secret = new URL(enrol.uri).searchParams.get('secret')!;
    expect(await confirmDevice(deps, user, enrol.device.id, deps.totp.codeAt(secret, clock.now()))).to.have.property('outcome', 'success');
    clock.advance(STEP);
    return { id: enrol.device.id, secret };
  }

  it('registers a device inactive, with the secret sealed for it; its first code activates it', async () => {
    const enrol = await enrolDevice(deps, 'alice', 'Phone');
    expect(enrol.outcome).to.equal('challenge');
    if (enrol.outcome !== 'challenge') return;
    const secret = new URL(enrol.uri).searchParams.get('secret')!;
    expect(enrol.device.active).to.equal(false);
    expect(enrol.device.sealedSecret).not.to.include(secret);
    expect(openSecret(keyring, 'alice', enrol.device.id, enrol.device.sealedSecret)).to.equal(secret);
    expect(await checkCode(deps, 'alice', deps.totp.codeAt(secret, clock.now())), 'inactive: not for login').to.deep.equal({ outcome: 'fail', reason: 'no_device' });
    expect(await confirmDevice(deps, 'alice', enrol.device.id, '000000')).to.have.property('outcome', 'fail');
    const confirmed = await confirmDevice(deps, 'alice', enrol.device.id, deps.totp.codeAt(secret, clock.now()));
    expect(confirmed).to.have.property('outcome', 'success');
    expect((await deps.store.get('alice', enrol.device.id))!.active).to.equal(true);
    expect(logs.text()).not.to.include(secret);
  });

  it('does not let the code that confirmed a device log in', async () => {
    const enrol = await enrolDevice(deps, 'alice', 'Phone');
    if (enrol.outcome !== 'challenge') throw new Error('not enrolled');
    const code = deps.totp.codeAt(new URL(enrol.uri).searchParams.get('secret')!, clock.now());
    await confirmDevice(deps, 'alice', enrol.device.id, code);
    expect(await checkCode(deps, 'alice', code)).to.deep.equal({ outcome: 'fail', reason: 'reused' });
  });

  it('accepts a good code once; the same code again is refused as reused, and logged', async () => {
    const { id, secret } = await registered();
    const code = deps.totp.codeAt(secret, clock.now());
    expect(await checkCode(deps, 'alice', code)).to.deep.equal({ outcome: 'success', deviceId: id, step: deps.totp.stepAt(clock.now()) });
    expect((await deps.store.get('alice', id))!.lastUsedAt).to.equal(clock.now());
    expect(await checkCode(deps, 'alice', code, { clientIp: '192.0.2.7' })).to.deep.equal({ outcome: 'fail', reason: 'reused' });
    const warning = logs.lines.find((l) => l.event === 'otp_code_reused');
    expect(warning).to.include({ user: 'alice', deviceId: id, clientIp: '192.0.2.7', level: 'warn' });
    expect(logs.text()).not.to.include(secret);
  });

  it('lets exactly one of two logins racing with the same code through', async () => {
    const { secret } = await registered();
    const code = deps.totp.codeAt(secret, clock.now());
    const second: OtpDeps = { ...deps, store: await SqliteDeviceStore.open({ path: join(dir, 'otp.sqlite'), clock }) };
    try {
      const results = await Promise.all([checkCode(deps, 'alice', code), checkCode(second, 'alice', code)]);
      expect(results.map((r) => r.outcome).sort()).to.deep.equal(['fail', 'success']);
    } finally {
      await second.store.close();
    }
  });

  it('says wrong for a wrong code, and no_device for a user without an active device', async () => {
    await registered();
    expect(await checkCode(deps, 'alice', '12345')).to.deep.equal({ outcome: 'fail', reason: 'wrong' });
    expect(await checkCode(deps, 'alice', { code: '123456' })).to.deep.equal({ outcome: 'fail', reason: 'wrong' });
    expect(await checkCode(deps, 'bob', '123456')).to.deep.equal({ outcome: 'fail', reason: 'no_device' });
  });

  it('accepts a code from any of the user\'s devices, and records the use on that one', async () => {
    const phone = await registered('alice', 'Phone');
    const tablet = await registered('alice', 'Tablet');
    const result = await checkCode(deps, 'alice', deps.totp.codeAt(tablet.secret, clock.now()));
    expect(result).to.have.property('deviceId', tablet.id);
    expect((await deps.store.get('alice', phone.id))!.lastStep).to.be.lessThan(deps.totp.stepAt(clock.now()));
  });

  it('skips, and logs, a device whose sealed secret does not open (moved to another user)', async () => {
    const { id, secret } = await registered('alice');
    const moved = (await deps.store.get('alice', id))!;
    await deps.store.add('bob', { id: moved.id, name: 'Stolen', sealedSecret: moved.sealedSecret, active: true });
    expect(await checkCode(deps, 'bob', deps.totp.codeAt(secret, clock.now()))).to.deep.equal({ outcome: 'fail', reason: 'wrong' });
    expect(logs.lines.find((l) => l.event === 'otp_secret_unusable')).to.include({ user: 'bob', deviceId: id });
  });

  it('refuses a sixth device, and drops an unconfirmed registration when a new one starts', async () => {
    for (let i = 0; i < 5; i += 1) await registered('alice', `Device ${i}`);
    expect(await enrolDevice(deps, 'alice', 'One too many')).to.deep.equal({ outcome: 'fail', reason: 'too_many' });
    const first = await enrolDevice(deps, 'bob', 'Abandoned');
    await enrolDevice(deps, 'bob', 'Second try');
    expect((await deps.store.list('bob')).map((d) => d.name)).to.deep.equal(['Second try']);
    expect(first.outcome).to.equal('challenge');
  });
});
