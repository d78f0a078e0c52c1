import { newDeviceId, type OtpDevice } from './device_store.js';
import { openDeviceSecret, type OtpDeps } from './check_code.js';
import { sealSecret } from './secrets.js';

// Self-service registration, as NetScaler's /manageotp: the user names a device, scans the QR
// code of the otpauth:// URI, and types one code; only then is the device active (used at login).

export const DEFAULT_MAX_DEVICES = 5;

export type EnrolOutcome =
  | { outcome: 'challenge'; device: OtpDevice; uri: string }
  | { outcome: 'fail'; reason: 'too_many' };

export type ConfirmOutcome =
  | { outcome: 'success'; device: OtpDevice }
  | { outcome: 'fail'; reason: 'wrong' | 'reused' | 'no_device' };

/**
 * Adds an inactive device and gives the URI to show as a QR code (it holds the clear secret:
 * show it once, never log or store it). A user's earlier unconfirmed devices are dropped first.
 */
export async function enrolDevice(deps: OtpDeps, user: string, name: string, maxDevices = DEFAULT_MAX_DEVICES): Promise<EnrolOutcome> {
  const devices = await deps.store.list(user);
  for (const pending of devices.filter((d) => !d.active)) await deps.store.remove(user, pending.id);
  if (devices.filter((d) => d.active).length >= maxDevices) return { outcome: 'fail', reason: 'too_many' };
  const id = newDeviceId();
  const secret = deps.totp.generateSecret();
  const device = await deps.store.add(user, { id, name, sealedSecret: sealSecret(deps.keyring, user, id, secret), active: false });
  deps.logger.info({ event: 'otp_device_added', user, deviceId: id }, 'TOTP device added, waiting for its first code');
  return { outcome: 'challenge', device, uri: deps.totp.uri(secret, user) };
}

/** Checks the first code from a new device (or a test code from an active one) and activates it. */
export async function confirmDevice(deps: OtpDeps, user: string, id: string, code: unknown): Promise<ConfirmOutcome> {
  const device = await deps.store.get(user, id);
  const secret = device && openDeviceSecret(deps, device);
  if (!device || secret === undefined) return { outcome: 'fail', reason: 'no_device' };
  const now = deps.clock.now();
  const verdict = deps.totp.verify(secret, code, now, device.lastStep);
  // The step is recorded here too, so the code that confirmed the device cannot then log in.
  const reused = verdict.ok ? !(await deps.store.recordUse(user, id, verdict.step, now)) : verdict.reason === 'reused';
  if (reused) {
    deps.logger.warn({ event: 'otp_code_reused', user, deviceId: id }, 'a TOTP code already accepted was offered again');
    return { outcome: 'fail', reason: 'reused' };
  }
  if (!verdict.ok) return { outcome: 'fail', reason: 'wrong' };
  if (!device.active && !(await deps.store.activate(user, id))) return { outcome: 'fail', reason: 'no_device' };
  if (!device.active) deps.logger.info({ event: 'otp_device_activated', user, deviceId: id }, 'TOTP device confirmed by its first code');
  return { outcome: 'success', device: (await deps.store.get(user, id)) ?? { ...device, active: true } };
}
