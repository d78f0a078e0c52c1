import { parse } from 'cookie';
import type { Request, Response } from 'express';

// The gateway session cookie, written by hand so its attributes are exactly the contract's:
// NSC_AAAC=<random>; Path=/; HttpOnly.

export function sessionCookieOf(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[name] : undefined;
}

export function setSessionCookie(res: Response, name: string, value: string): void {
  res.append('Set-Cookie', `${name}=${value}; Path=/; HttpOnly`);
}

export function clearSessionCookie(res: Response, name: string): void {
  res.append('Set-Cookie', `${name}=; Path=/; HttpOnly; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`);
}
