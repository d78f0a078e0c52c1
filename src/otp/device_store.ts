import { randomUUID } from 'node:crypto';

// Where a user's TOTP devices live (one narrow interface, the storage's vocabulary stays
// in its adapter). An embedded SQLite file by default; an attribute of the user's LDAP entry for
// sites that keep them in the directory, as NetScaler's /manageotp does. A store never sees a
// secret in clear: the caller seals it first (secrets.ts).

export type OtpDevice = {
  id: string;
  user: string;
  /** Chosen by the user ("work phone"). */
  name: string;
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms of the last accepted code. */
  lastUsedAt?: number;
  /** TOTP step of the last accepted code; no code for this step or an earlier one is accepted again. */
  lastStep?: number;
  /** False until the user has proved, with one code, that the device was set up. */
  active: boolean;
  /** The base32 secret sealed with the keyring (secrets.ts), never the secret itself. */
  sealedSecret: string;
};

/** The id comes from newDeviceId() before the secret is sealed, since the seal is bound to it. */
export type NewOtpDevice = { id: string; name: string; sealedSecret: string; active?: boolean };

export interface DeviceStore {
  /** The user's devices, oldest first; [] for an unknown user. */
  list(user: string): Promise<OtpDevice[]>;
  get(user: string, id: string): Promise<OtpDevice | undefined>;
  /** Adds a device (inactive unless told), created now by the store's clock. */
  add(user: string, device: NewOtpDevice): Promise<OtpDevice>;
  /** False when there is no such device. */
  activate(user: string, id: string): Promise<boolean>;
  rename(user: string, id: string, name: string): Promise<boolean>;
  remove(user: string, id: string): Promise<boolean>;
  /**
   * Records an accepted code, in one atomic compare-and-set: only if `step` is after the device's
   * lastStep. False when it is not (the code was used already, perhaps by another instance at the
   * same moment) or the device is gone: the code must then be refused.
   */
  recordUse(user: string, id: string, step: number, at: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The store could not answer (file locked or unreadable, directory down). Named `StoreError` so
 * that asFactorgateError (src/errors.ts) maps it to store_unavailable: fail closed. Carries no
 * secret, sealed or not.
 */
export class DeviceStoreError extends Error {
  constructor(readonly operation: string, reason: string) {
    super(`otp device store: ${operation} failed: ${reason}`);
    this.name = 'StoreError';
  }
}

export const MAX_DEVICE_NAME = 64;

/** A fresh device id: a random UUID (lower case, so it survives case-insensitive LDAP matching). */
export function newDeviceId(): string {
  return randomUUID();
}

/** Throws TypeError on a name no store keeps; the form that asks for it should check first. */
export function checkDeviceName(name: unknown): string {
  if (typeof name !== 'string') throw new TypeError('a device name must be a string');
  const trimmed = name.trim();
  if (trimmed === '' || [...trimmed].length > MAX_DEVICE_NAME || /\p{Cc}/u.test(trimmed)) {
    throw new TypeError(`a device name must be 1 to ${MAX_DEVICE_NAME} characters, without control characters`);
  }
  return trimmed;
}

export function checkNewDevice(user: string, device: NewOtpDevice): void {
  if (typeof user !== 'string' || user === '' || /\p{Cc}/u.test(user)) throw new TypeError('a user name must be a non-empty string without control characters');
  if (typeof device.id !== 'string' || !/^[0-9a-f-]{8,64}$/.test(device.id)) throw new TypeError('a device id must come from newDeviceId()');
  if (typeof device.sealedSecret !== 'string' || device.sealedSecret === '') throw new TypeError('a device needs its sealed secret');
}

export function checkStep(step: number, at: number): void {
  if (!Number.isSafeInteger(step) || step < 0) throw new TypeError('a step must be a non-negative integer');
  if (!Number.isSafeInteger(at) || at < 0) throw new TypeError('a time must be epoch milliseconds');
}
