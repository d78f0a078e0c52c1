import type { Keyring } from '../security/keyring.js';

// TOTP secrets at rest: AES-256-GCM through the keyring (key derived from FACTORGATE_SECRET, so
// from configuration), with the user and the device id bound as associated data. A sealed secret
// copied onto another device or another user's record does not open (ASVS 2.9.1 / 6.4.1).

/** JSON keeps the two parts apart whatever characters a user name holds. */
export const secretContext = (user: string, id: string): string => `otp-device:${JSON.stringify([user, id])}`;

export function sealSecret(keyring: Keyring, user: string, id: string, secret: string): string {
  return keyring.seal(secret, secretContext(user, id));
}

/** The base32 secret, or undefined when the record was tampered with, moved, or sealed by a key no longer configured. */
export function openSecret(keyring: Keyring, user: string, id: string, sealed: string): string | undefined {
  return keyring.open(sealed, secretContext(user, id));
}
