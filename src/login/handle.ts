import type { Request } from 'express';
import { cookie } from '../http/request.js';
import type { Keyring } from '../security/keyring.js';

// The login's handle: the `authkey` cookie (cookies.handleName) holds the login id, signed for this
// purpose only, so no other token of factorgate's stands for it.

export const HANDLE_PURPOSE = 'login-handle';

export type LoginIdOf = (req: Request) => string | undefined;

/** The login id behind the signed handle cookie, or undefined when absent or not ours. */
export function loginIdReader(keyring: Keyring, handleCookie: string): LoginIdOf {
  return (req) => {
    const handle = cookie(req, handleCookie);
    return handle ? keyring.verify(HANDLE_PURPOSE, handle) : undefined;
  };
}

/** The handle cookie's value for a login. */
export const handleOf = (keyring: Keyring, loginId: string): string => keyring.sign(HANDLE_PURPOSE, loginId);
