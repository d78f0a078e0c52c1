import type { Request } from 'express';
import { parse as parseCookies } from 'cookie';
import type { Keyring } from '../security/keyring.js';
import { HANDLE_PURPOSE } from '../login/respond.js';

// Reading what a request carries, the same way for every route.

export const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? req.body : {});

export const cookie = (req: Request, name: string): string | undefined => {
  const value = (req.cookies as Record<string, string | undefined>)[name];
  return typeof value === 'string' && value.length <= 2048 ? value : undefined;
};

export const client = (req: Request) => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent'), headers: req.headers });

/** The Cookie header as a map: bounded, and never a throw for a malformed header. */
export function parseCookieHeader(header: string | undefined): Record<string, string | undefined> {
  if (!header || header.length > 8192) return {};
  try {
    return parseCookies(header);
  } catch {
    return {};
  }
}

export type LoginIdOf = (req: Request) => string | undefined;

/** The login id behind the signed handle cookie, or undefined when absent or not ours. */
export function loginIdReader(keyring: Keyring, handleCookie: string): LoginIdOf {
  return (req) => {
    const handle = cookie(req, handleCookie);
    return handle ? keyring.verify(HANDLE_PURPOSE, handle) : undefined;
  };
}
