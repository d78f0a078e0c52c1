import type { Request } from 'express';
import { parse as parseCookies } from 'cookie';

// Reading what a request carries, the same way for every route.

export const body = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

export const cookie = (req: Request, name: string): string | undefined => {
  const value = (req.cookies as Record<string, string | undefined>)[name];
  return typeof value === 'string' && value.length <= 2048 ? value : undefined;
};

/** Who is asking: the address (after trustProxy), the browser, and the request's headers (what flow rules may test). */
export type Client = { ip: string; userAgent?: string; headers?: Readonly<Record<string, string | readonly string[] | undefined>> };

export const client = (req: Request): Client => ({ ip: req.ip ?? 'unknown', userAgent: req.get('user-agent'), headers: req.headers });

/** The Cookie header as a map: bounded, and never a throw for a malformed header. */
export function parseCookieHeader(header: string | undefined): Record<string, string | undefined> {
  if (!header || header.length > 8192) return {};
  try {
    return parseCookies(header);
  } catch {
    return {};
  }
}

/** A cookie of the request; parsed here when the app in front did not (bounded, never throws). */
export function readCookie(req: Request, name: string): string | undefined {
  const parsed = (req.cookies as Record<string, string | undefined> | undefined) ?? parseCookieHeader(req.headers.cookie);
  const value = parsed[name];
  return typeof value === 'string' && value.length <= 2048 ? value : undefined;
}
