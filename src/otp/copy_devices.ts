import type { OtpDevice, Passkey } from './device_store.js';

// Moving from one instance to several: the devices of the SQLite file go into the shared store,
// each as it was (its name, dates, state, and the step of its last accepted code, so a code used
// before the move stays used). A sealed secret is bound to its user and device id, not to a store,
// so it opens as before. Passkeys likewise, with their signature counters.

export type DeviceSource = { all(): Promise<OtpDevice[]> };
export type DeviceTarget = { put(device: OtpDevice): Promise<boolean> };
export type CopyReport = { copied: number; alreadyThere: number; users: number };

/** Copies every device; one the target already has (same user and id) is left as the target has it. */
export async function copyDevices(from: DeviceSource, to: DeviceTarget): Promise<CopyReport> {
  const devices = await from.all();
  let copied = 0;
  for (const device of devices) if (await to.put(device)) copied += 1;
  return { copied, alreadyThere: devices.length - copied, users: new Set(devices.map((d) => d.user)).size };
}

export type PasskeySource = { allPasskeys(): Promise<Passkey[]> };
export type PasskeyTarget = { putPasskey(passkey: Passkey): Promise<boolean> };

/** Copies every passkey; one the target already has (same user and id, or the same credential) is left as it is. */
export async function copyPasskeys(from: PasskeySource, to: PasskeyTarget): Promise<Omit<CopyReport, 'users'>> {
  const passkeys = await from.allPasskeys();
  let copied = 0;
  for (const passkey of passkeys) if (await to.putPasskey(passkey)) copied += 1;
  return { copied, alreadyThere: passkeys.length - copied };
}
