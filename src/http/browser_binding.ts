import type { Request } from 'express';
import { client } from './request.js';

// A session cookie holds only for the browser that was given it: the same client address and
// User-Agent. A cookie copied elsewhere opens nothing, and the session it was taken from ends,
// since whoever copied it may hold the password too. /admin and /manageotp both bind this way.

const MAX_USER_AGENT = 512;

/** What a session remembers of the browser that started it. */
export type BoundBrowser = { clientIp: string; userAgent: string };

export function browserOf(req: Request): BoundBrowser {
  const { ip, userAgent } = client(req);
  return { clientIp: ip, userAgent: (userAgent ?? '').slice(0, MAX_USER_AGENT) };
}

/** Undefined when the request comes from the bound browser; otherwise what the log line says of it (no User-Agent text). */
export function otherBrowser(bound: Partial<BoundBrowser>, req: Request): { clientIp: string; sessionClientIp?: string; sameUserAgent: boolean } | undefined {
  const here = browserOf(req);
  const sameUserAgent = bound.userAgent === here.userAgent;
  if (bound.clientIp === here.clientIp && sameUserAgent) return undefined;
  return { clientIp: here.clientIp, sessionClientIp: bound.clientIp, sameUserAgent };
}
