import type { Keyring } from './keyring.js';

// The DeviceKey cookie: the two-factor server's device key, sealed (AES-GCM) together with the
// user it was issued for, its expiry and its id in the list of remembered browsers
// (remembered_browsers.ts). The browser cannot read, alter or move it to another user.

const CONTEXT = 'device-cookie';

type Sealed = { u: string; k: string; e: number; i?: string };

export function sealDeviceCredential(keyring: Keyring, username: string, credential: string, expiresAt: number, id: string): string {
  return keyring.seal(JSON.stringify({ u: username, k: credential, e: expiresAt, i: id } satisfies Sealed), CONTEXT);
}

export type OpenedDevice =
  /** `id` is absent from cookies sealed before remembered browsers were listed: such a cookie is listed nowhere. */
  | { kind: 'valid'; credential: string; id?: string }
  | { kind: 'invalid'; why: 'unreadable' | 'expired' | 'other_user' };

export function openDeviceCredential(keyring: Keyring, cookie: string, username: string, now: number): OpenedDevice {
  if (cookie.length > 1024) return { kind: 'invalid', why: 'unreadable' };
  const text = keyring.open(cookie, CONTEXT);
  if (text === undefined) return { kind: 'invalid', why: 'unreadable' };
  let sealed: Sealed | null;
  try {
    sealed = JSON.parse(text) as Sealed | null;
  } catch {
    return { kind: 'invalid', why: 'unreadable' };
  }
  if (typeof sealed !== 'object' || sealed === null || typeof sealed.u !== 'string' || typeof sealed.k !== 'string' || typeof sealed.e !== 'number') return { kind: 'invalid', why: 'unreadable' };
  if (sealed.u !== username) return { kind: 'invalid', why: 'other_user' };
  if (sealed.e <= now) return { kind: 'invalid', why: 'expired' };
  return typeof sealed.i === 'string' ? { kind: 'valid', credential: sealed.k, id: sealed.i } : { kind: 'valid', credential: sealed.k };
}
