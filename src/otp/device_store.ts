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
  /** The user's passkeys, where this store can hold them (not LDAP: the configuration refuses WebAuthn there). */
  readonly passkeys?: PasskeyStore;
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

/**
 * A passkey or security key (WebAuthn credential) registered at /manageotp. Only what a check of
 * its assertions needs: the public key (COSE, as the authenticator gave it) is not a secret.
 */
export type Passkey = {
  /** factorgate's own id (newDeviceId()), for the portal's URLs; never the credential id. */
  id: string;
  user: string;
  name: string;
  /** The credential id the authenticator chose, base64url. */
  credentialId: string;
  /** The COSE public key, base64url. */
  publicKey: string;
  /** The signature counter of the last accepted assertion (0 for authenticators that keep none). */
  counter: number;
  /** How the browser may reach it (usb, nfc, ble, internal, hybrid), as it said at registration. */
  transports: string[];
  /** The authenticator model's AAGUID (all zeros when it gives none). */
  aaguid: string;
  createdAt: number;
  lastUsedAt?: number;
};

/**
 * A passkey from a row of either SQL store (the same column names in both); the stores differ only
 * in how they keep the transports (a JSON text in SQLite, a text[] in PostgreSQL), decoded by the caller.
 */
export function passkeyFromRow(row: Record<string, unknown>, transports: string[]): Passkey {
  const passkey: Passkey = {
    id: String(row.id),
    user: String(row.user_name),
    name: String(row.name),
    credentialId: String(row.credential_id),
    publicKey: String(row.public_key),
    counter: Number(row.counter),
    transports,
    aaguid: String(row.aaguid),
    createdAt: Number(row.created_at),
  };
  if (row.last_used_at !== null) passkey.lastUsedAt = Number(row.last_used_at);
  return passkey;
}

export type NewPasskey = Pick<Passkey, 'id' | 'name' | 'credentialId' | 'publicKey' | 'counter' | 'transports' | 'aaguid'>;

/** Where passkeys live, beside the authenticator apps, in the stores that can hold them. */
export interface PasskeyStore {
  /** The user's passkeys, oldest first. */
  listPasskeys(user: string): Promise<Passkey[]>;
  getPasskey(user: string, id: string): Promise<Passkey | undefined>;
  /** This user's passkey of that credential id: another user's credential is never found. */
  findPasskey(user: string, credentialId: string): Promise<Passkey | undefined>;
  /** False when the credential id is registered already (to anyone): a credential belongs to one user. */
  addPasskey(user: string, passkey: NewPasskey): Promise<Passkey | false>;
  renamePasskey(user: string, id: string, name: string): Promise<boolean>;
  removePasskey(user: string, id: string): Promise<boolean>;
  /**
   * Records an accepted assertion, in one compare-and-set: only if the stored counter is still
   * `previous`. False when it is not (another instance accepted one meanwhile) or the passkey is
   * gone: the assertion must then be refused.
   */
  recordPasskeyUse(user: string, id: string, previous: number, counter: number, at: number): Promise<boolean>;
}

const MAX_CREDENTIAL_ID = 1366; // base64url of WebAuthn's 1023-byte limit
const MAX_PUBLIC_KEY = 2048;
const TRANSPORTS = new Set(['usb', 'nfc', 'ble', 'internal', 'hybrid', 'cable', 'smart-card']);

/** Throws TypeError on a passkey no store keeps; what it holds came through the WebAuthn library's checks. */
export function checkNewPasskey(user: string, passkey: NewPasskey): NewPasskey {
  checkNewDevice(user, { id: passkey.id, name: passkey.name, sealedSecret: 'none' });
  const base64url = /^[A-Za-z0-9_-]+$/;
  if (typeof passkey.credentialId !== 'string' || !base64url.test(passkey.credentialId) || passkey.credentialId.length > MAX_CREDENTIAL_ID) throw new TypeError('a credential id must be base64url');
  if (typeof passkey.publicKey !== 'string' || !base64url.test(passkey.publicKey) || passkey.publicKey.length > MAX_PUBLIC_KEY) throw new TypeError('a public key must be base64url');
  checkCounter(passkey.counter);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(passkey.aaguid)) throw new TypeError('an AAGUID must be a lower-case UUID');
  return { ...passkey, name: checkDeviceName(passkey.name), transports: passkey.transports.filter((t) => TRANSPORTS.has(t)) };
}

export function checkCounter(counter: number): void {
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > 0xffffffff) throw new TypeError('a signature counter is a 32-bit unsigned integer');
}
