import { MANAGE_COOKIES } from '../http/paths.js';
import type { Response } from 'express';
import { BASE, SESSION_TTL_MS, type ManageDeps } from './deps.js';

// The portal's two cookies, every attribute decided here and nowhere else. Path=/manageotp: neither the
// gateway nor the login pages under /mfa ever receive them; HttpOnly: no script reads them.

export const SESSION_COOKIE = MANAGE_COOKIES.session;
export const FORM_COOKIE = MANAGE_COOKIES.form;

export class ManageCookies {
  constructor(private readonly policy: ManageDeps['cookies']) {}

  private base(maxAgeMs?: number) {
    return {
      path: BASE,
      httpOnly: true,
      secure: this.policy.secure,
      sameSite: this.policy.sameSite,
      ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
    } as const;
  }

  setSession(res: Response, value: string): void {
    res.cookie(SESSION_COOKIE, value, this.base(SESSION_TTL_MS));
  }

  clearSession(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.base());
  }

  setFormToken(res: Response, value: string): void {
    res.cookie(FORM_COOKIE, value, this.base(SESSION_TTL_MS * 3));
  }
}

export { readCookie } from '../http/request.js';

