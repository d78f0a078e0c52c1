import { MANAGE_COOKIES } from '../http/paths.js';
import type { Response } from 'express';
import { BASE, SESSION_TTL_MS, type ManageDeps } from './deps.js';

// The portal's form-token cookie, with the session cookie's attributes (the session's are set in
// src/http/portal_session.ts). Path=/manageotp: neither the gateway nor the login pages under /mfa
// ever receive them; HttpOnly: no script reads them.

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

  setFormToken(res: Response, value: string): void {
    res.cookie(FORM_COOKIE, value, this.base(SESSION_TTL_MS * 3));
  }
}

export { readCookie } from '../http/request.js';

