import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Keyring } from '../security/keyring.js';
import type { DeviceStore, OtpDevice } from './device_store.js';
import { openSecret } from './secrets.js';
import type { Totp } from './totp.js';

// A code typed at login, checked against every active device of the user. One of three outcomes
// (success, or fail with a reason); a store that cannot answer throws (DeviceStoreError, mapped to store_unavailable).

export type OtpDeps = {
  store: DeviceStore;
  keyring: Keyring;
  totp: Totp;
  clock: Clock;
  logger: Pick<Logger, 'info' | 'warn'>;
};

export type CodeOutcome =
  | { outcome: 'success'; deviceId: string; step: number }
  | { outcome: 'fail'; reason: 'wrong' | 'reused' | 'no_device' };

export async function checkCode(deps: OtpDeps, user: string, code: unknown, extra: Record<string, unknown> = {}): Promise<CodeOutcome> {
  const now = deps.clock.now();
  const devices = (await deps.store.list(user)).filter((d) => d.active);
  if (devices.length === 0) return { outcome: 'fail', reason: 'no_device' };
  let reusedOn: OtpDevice | undefined;
  for (const device of devices) {
    const secret = openDeviceSecret(deps, device, extra);
    if (secret === undefined) continue;
    const verdict = deps.totp.verify(secret, code, now, device.lastStep);
    if (verdict.ok) {
      // The step is taken atomically: a second login racing with the same code loses here.
      if (await deps.store.recordUse(user, device.id, verdict.step, now)) return { outcome: 'success', deviceId: device.id, step: verdict.step };
      reusedOn = device;
    } else if (verdict.reason === 'reused') {
      reusedOn = device;
    }
  }
  if (reusedOn) {
    // RFC 6238 §5.2, ASVS 2.8.4: refused, and logged; a reuse may be an observed code replayed.
    deps.logger.warn({ event: 'otp_code_reused', user, deviceId: reusedOn.id, ...extra }, 'a TOTP code already accepted was offered again');
    return { outcome: 'fail', reason: 'reused' };
  }
  return { outcome: 'fail', reason: 'wrong' };
}

/** A code that was checked and refused (wrong or used already): what counts against the user's limit. */
export const wrongCode = (result: { outcome: 'success' } | { outcome: 'fail'; reason: string }): boolean => result.outcome === 'fail' && result.reason !== 'no_device';

/** The clear secret, or undefined (logged) when the sealed copy does not open. */
export function openDeviceSecret(deps: Pick<OtpDeps, 'keyring' | 'logger'>, device: OtpDevice, extra: Record<string, unknown> = {}): string | undefined {
  const secret = openSecret(deps.keyring, device.user, device.id, device.sealedSecret);
  if (secret === undefined) {
    deps.logger.warn({ event: 'otp_secret_unusable', user: device.user, deviceId: device.id, ...extra }, 'a device secret does not open: tampered with, moved, or sealed by a key no longer configured');
  }
  return secret;
}
