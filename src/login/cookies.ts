import type { Response } from 'express';
import type { Config } from '../config/schema.js';
import { MFA } from '../http/paths.js';

// Every attribute of factorgate's own cookies, decided here and nowhere else.
// Path=/mfa: the gateway never receives them; HttpOnly: no script reads them.

export const COOKIE_PATH = MFA;

export class CookiePolicy {
  constructor(private readonly config: Config) {}

  private base(maxAgeMs?: number) {
    return {
      path: COOKIE_PATH,
      httpOnly: true,
      secure: this.config.behindTls,
      sameSite: this.config.cookies.sameSite,
      ...(maxAgeMs === undefined ? {} : { maxAge: maxAgeMs }),
    } as const;
  }

  setHandle(res: Response, value: string): void {
    res.cookie(this.config.cookies.handleName, value, this.base(this.config.login.lifetimeSeconds * 1000));
  }

  clearHandle(res: Response): void {
    res.clearCookie(this.config.cookies.handleName, this.base());
  }

  setDevice(res: Response, value: string, expiresAt: number): void {
    res.cookie(this.config.cookies.deviceName, value, { ...this.base(), expires: new Date(expiresAt) });
  }

  clearDevice(res: Response): void {
    res.clearCookie(this.config.cookies.deviceName, this.base());
  }

  setFormToken(res: Response, value: string): void {
    res.cookie(this.config.cookies.csrfName, value, this.base(this.config.login.lifetimeSeconds * 1000 * 6));
  }
}
