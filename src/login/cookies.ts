import type { Response } from 'express';
import type { Config } from '../config/schema.js';
import { MANAGE, MFA, RETRY_COOKIE } from '../http/paths.js';
import { RETRY_NOTE_MS } from '../http/retry_note.js';

// Every attribute of factorgate's own cookies, decided here and nowhere else.
// Path=/mfa (the remembered browser's also /manageotp): the gateway never receives them;
// HttpOnly: no script reads them.

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

  /**
   * The remembered browser's cookie, for the login under /mfa and, when there is a portal, a copy
   * under /manageotp: the only way the portal can tell which of the user's remembered browsers
   * is the one in use (a browser sends a cookie only under its Path). Both are factorgate's own.
   */
  setDevice(res: Response, value: string, expiresAt: number): void {
    for (const path of this.devicePaths) res.cookie(this.config.cookies.deviceName, value, { ...this.base(), path, expires: new Date(expiresAt) });
  }

  clearDevice(res: Response): void {
    for (const path of this.devicePaths) res.clearCookie(this.config.cookies.deviceName, { ...this.base(), path });
  }

  private get devicePaths(): string[] {
    return this.config.otp.enabled ? [COOKIE_PATH, MANAGE] : [COOKIE_PATH];
  }

  /** How long a login form token lives: a login page may stay open a while before the password is typed. */
  get formTokenLifeMs(): number {
    return this.config.login.lifetimeSeconds * 1000 * 6;
  }

  /**
   * The login form's token, twice: under /mfa for the post it guards, and under the login page's own
   * path so that the next login page of this browser sees it and hands out the same token
   * (two open login pages both post). Both are dropped before anything goes to the gateway.
   */
  setFormToken(res: Response, value: string): void {
    res.cookie(this.config.cookies.csrfName, value, this.base(this.formTokenLifeMs));
    res.cookie(this.config.cookies.csrfName, value, { ...this.base(this.formTokenLifeMs), path: this.config.gateway.loginPage });
  }

  /** The refused password's note (src/http/retry_note.ts): for the login page alone, so its Path is that page. */
  setRetryNote(res: Response, value: string): void {
    res.cookie(RETRY_COOKIE, value, { ...this.base(RETRY_NOTE_MS), path: this.config.gateway.loginPage });
  }

  clearRetryNote(res: Response): void {
    res.clearCookie(RETRY_COOKIE, { ...this.base(), path: this.config.gateway.loginPage });
  }
}
