import { FactorgateError } from '../errors.js';
import type { Keyring } from '../security/keyring.js';
import type { LoginRecord } from './record.js';

// What a login holds of the user's secrets, sealed (AES-256-GCM) with the record's id as the
// associated data, so a sealed value cannot be moved to another login. Each is opened only where
// it is sent: the password for the replay (and LinOTP's otppin 1), the PIN for the push server,
// the device credential for the two-factor server.

const context = { password: (id: string) => `login:${id}`, pin: (id: string) => `pin:${id}`, device: (id: string) => `device:${id}` };

export function sealPassword(id: string, password: string, keyring: Keyring): string {
  return keyring.seal(password, context.password(id));
}

/** The first-factor password; a record whose seal does not open fails closed. */
export function openPassword(record: LoginRecord, keyring: Keyring): string {
  const password = keyring.open(record.sealedPassword, context.password(record.id));
  if (password === undefined) throw new FactorgateError('internal', 'sealed credentials could not be opened');
  return password;
}

export function sealPin(id: string, pin: string, keyring: Keyring): string {
  return keyring.seal(pin, context.pin(id));
}

export function openPin(record: LoginRecord, keyring: Keyring): string | undefined {
  return record.sealedPin === undefined ? undefined : keyring.open(record.sealedPin, context.pin(record.id));
}

export function sealDevice(id: string, credential: string, keyring: Keyring): string {
  return keyring.seal(credential, context.device(id));
}

export function openDevice(record: LoginRecord, keyring: Keyring): string | undefined {
  return record.sealedDevice === undefined ? undefined : keyring.open(record.sealedDevice, context.device(record.id));
}
