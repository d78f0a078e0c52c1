import { existsSync } from 'node:fs';
import { copyDevices, copyPasskeys } from './copy_devices.js';
import { openPostgresDeviceStore } from './open_device_store.js';
import type { OtpConfig } from './otp_config.js';
import { SqliteDeviceStore } from './sqlite_device_store.js';

export const DEVICES_USAGE = 'factorgate devices copy FILE   copy every TOTP device and passkey of the SQLite FILE into the PostgreSQL store that otp.postgres names';

type Write = (text: string) => void;

/** `factorgate devices copy FILE`: 0 when copied, 1 when a store failed, 2 when asked wrongly. */
export async function runDevicesCommand(args: string[], config: OtpConfig, out: Write, err: Write): Promise<number> {
  const [verb, file, ...rest] = args;
  if (verb !== 'copy' || file === undefined || rest.length > 0) {
    err(`usage: ${DEVICES_USAGE}\n`);
    return 2;
  }
  if (config.store !== 'postgres') {
    err(`factorgate devices copy: otp.store is ${config.store}; set it to postgres (with otp.postgres.*), the store to copy into\n`);
    return 2;
  }
  // Opening creates a missing file: a mistyped name would copy nothing and say nothing wrong.
  if (!existsSync(file)) {
    err(`factorgate devices copy: ${file} does not exist\n`);
    return 2;
  }
  let from: SqliteDeviceStore | undefined;
  let to: Awaited<ReturnType<typeof openPostgresDeviceStore>> | undefined;
  try {
    from = await SqliteDeviceStore.open({ path: file });
    to = await openPostgresDeviceStore(config);
    const report = await copyDevices(from, to);
    out(`copied ${report.copied} devices of ${report.users} users from ${file} into PostgreSQL (${report.alreadyThere} were there already)\n`);
    const passkeys = await copyPasskeys(from, to);
    out(`copied ${passkeys.copied} passkeys (${passkeys.alreadyThere} were there already)\n`);
    return 0;
  } catch (e) {
    err(`factorgate devices copy: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await from?.close();
    await to?.close();
  }
}
