import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../src/clock.js';
import { Keyring } from '../../src/security/keyring.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { TEST_SECRET } from './config.js';

/**
 * A device file in a fresh temp dir in which `user` has one active TOTP device, as /manageotp
 * would have left it. The caller removes `dir`.
 */
export async function registeredDevice(clock: Clock, user = 'alice', keySecret = TEST_SECRET): Promise<{ dir: string; path: string; secret: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-otp-device-'));
  const path = join(dir, 'devices.sqlite');
  const store = await SqliteDeviceStore.open({ path, clock });
  const secret = new Totp().generateSecret();
  const id = newDeviceId();
  await store.add(user, { id, name: 'phone', sealedSecret: sealSecret(new Keyring(keySecret), user, id, secret) });
  await store.activate(user, id);
  await store.close();
  return { dir, path, secret };
}
