import type { AxiosInstance } from 'axios';
import { Cookie, CookieJar } from 'tough-cookie';
import { FactorgateError } from '../errors.js';
import type { Logger } from '../log.js';
import { callFailure, closeOutbound, outboundClient } from '../outbound/http_client.js';
import { screenGatewaySetCookies } from './own_cookies.js';
import { safeLocation } from './safe_location.js';

export type ReplayOptions = {
  gatewayUrl: string;
  loginTarget: string;
  loginPage: string;
  usernameField: string;
  passwordField: string;
  /** The gateway's session cookie: its presence is how the gateway says the login succeeded. */
  sessionCookie: string;
  timeoutMs: number;
  secretHeader?: { name: string; value: string };
  /** Where a held session is asked whether the gateway still accepts it (GET, with its cookies). */
  sessionCheckPath: string;
  /** Where a held session is ended (GET, with its cookies): NetScaler's /cgi/logout. */
  logoutPath: string;
  /** The clock the login's deadline is on (epoch ms). */
  now?: () => number;
  /** factorgate's own cookies (ownCookieNames): never taken from the gateway's answer. */
  ownCookies: readonly string[];
  /** Where a cookie of the gateway's named as one of factorgate's own is told. */
  logger?: Logger;
};

export type ReplayResult = {
  /** Set-Cookie values for the browser: the gateway's cookies, made host-only for factorgate's host. */
  cookies: string[];
  /** Where the browser goes next, always a path on this origin. */
  location: string;
};

/** What the gateway's answer to the post says, as far as the acceptance rule reads it. */
type GatewayAnswer = {
  status: number;
  /** The session cookie is set, with a value, and not already expired. */
  sessionCookie: boolean;
  /** The Location's path is the gateway's login page (on any origin). */
  backToLogin: boolean;
};

/**
 * The acceptance rule: the login was accepted only if none of the gateway's ways of saying no is
 * there. Each one alone is a refusal, whatever else the answer says: a gateway may send a wrong
 * password back to its login page and still set a session cookie, or answer 200 with an error page
 * and no cookie. Gives the way it said no, for the log; undefined when it said yes.
 */
function refusalOf(answer: GatewayAnswer): 'error_status' | 'back_to_login' | 'no_session_cookie' | undefined {
  if (answer.status >= 400) return 'error_status';
  if (answer.backToLogin) return 'back_to_login';
  if (!answer.sessionCookie) return 'no_session_cookie';
  return undefined;
}

/** Who the gateway is told it speaks with: the browser's address and User-Agent. */
export type ReplayClient = { ip: string; userAgent?: string };

/**
 * Posts the held first-factor credentials to the gateway's login target, as the browser would
 * have, once the second factor holds. Only this code ever reaches the gateway's login.
 */
export class GatewayReplayer {
  /** Connections kept open to the gateway's login target, shared by every login. */
  static readonly MAX_SOCKETS = 16;
  /** Largest answer read from the gateway; a larger one fails closed as gateway_unavailable. */
  static readonly MAX_REPLY_BYTES = 256 * 1024;

  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly now: () => number;

  constructor(private readonly options: ReplayOptions) {
    this.origin = new URL(options.gatewayUrl).origin;
    this.now = options.now ?? Date.now;
    this.http = outboundClient({ maxSockets: GatewayReplayer.MAX_SOCKETS, maxReplyBytes: GatewayReplayer.MAX_REPLY_BYTES, timeoutMs: options.timeoutMs });
  }

  /** `deadline` (epoch ms) is the whole login's: the replay never runs past it. */
  async replay(username: string, password: string, client: ReplayClient, deadline?: number): Promise<ReplayResult> {
    const { options } = this;
    const budget = Math.min(options.timeoutMs, (deadline ?? Infinity) - this.now());
    if (!(budget > 0)) throw new FactorgateError('no_login', 'login deadline passed before the replay');
    const url = new URL(options.loginTarget, options.gatewayUrl).toString();
    const body = new URLSearchParams({ [options.usernameField]: username, [options.passwordField]: password }).toString();
    const headers = { ...this.headersFor(client), 'Content-Type': 'application/x-www-form-urlencoded' };
    let response;
    try {
      response = await this.http.post(url, body, { headers, timeout: budget });
    } catch (err) {
      const failure = callFailure(err);
      throw new FactorgateError('gateway_unavailable', `replay to the gateway failed: ${failure.kind}`, { cause: failure.cause });
    }
    // An outage is never a wrong password: /manageotp would count it against the user.
    if (response.status >= 500) throw new FactorgateError('gateway_unavailable', 'gateway error on replay', { httpStatus: response.status });

    const cookies = await gatewayCookies(screenGatewaySetCookies(response.headers['set-cookie'] ?? [], options.ownCookies, options.logger, options.loginTarget), url);
    const rawLocation: unknown = response.headers['location'];
    const refusal = refusalOf({
      status: response.status,
      sessionCookie: cookies.some((c) => c.key === options.sessionCookie && c.value !== ''),
      backToLogin: pathOf(rawLocation, url)?.toLowerCase() === options.loginPage.toLowerCase(),
    });
    if (refusal) throw new FactorgateError('gateway_refused', 'gateway did not accept the credentials', { httpStatus: response.status, refusal });
    return { cookies: cookies.map(forBrowser), location: safeLocation(this.localLocation(rawLocation)) };
  }

  /**
   * Whether the gateway still accepts a session it gave earlier (a held one, after its idle
   * timeout may have passed): a GET of gateway.sessionCheckPath with its cookies that is neither
   * an error nor sent back to the login page. Any doubt (no answer, a 5xx) is a no.
   */
  async accepts(session: ReplayResult, client: ReplayClient, deadline: number): Promise<boolean> {
    const budget = Math.min(this.options.timeoutMs, deadline - this.now());
    if (!(budget > 0)) return false;
    const url = new URL(this.options.sessionCheckPath, this.options.gatewayUrl).toString();
    try {
      const response = await this.http.get(url, { headers: { ...this.headersFor(client), Cookie: cookieHeader(session.cookies) }, timeout: budget });
      const backToLogin = pathOf(response.headers['location'], url)?.toLowerCase() === this.options.loginPage.toLowerCase();
      return response.status < 400 && !backToLogin;
    } catch {
      return false;
    }
  }

  /** Ends a session the gateway gave (GET gateway.logoutPath with its cookies); throws when the gateway could not be told. */
  async logout(session: ReplayResult, client: ReplayClient): Promise<void> {
    const url = new URL(this.options.logoutPath, this.options.gatewayUrl).toString();
    let response;
    try {
      response = await this.http.get(url, { headers: { ...this.headersFor(client), Cookie: cookieHeader(session.cookies) }, timeout: this.options.timeoutMs });
    } catch (err) {
      const failure = callFailure(err);
      throw new FactorgateError('gateway_unavailable', `logout at the gateway failed: ${failure.kind}`, { cause: failure.cause });
    }
    if (response.status >= 400) throw new FactorgateError('gateway_unavailable', 'gateway error on logout', { httpStatus: response.status });
  }

  close(): void {
    closeOutbound(this.http);
  }

  private headersFor(client: ReplayClient): Record<string, string> {
    const headers: Record<string, string> = { 'X-Forwarded-For': client.ip };
    if (client.userAgent) headers['User-Agent'] = client.userAgent.slice(0, 512);
    if (this.options.secretHeader) headers[this.options.secretHeader.name] = this.options.secretHeader.value;
    return headers;
  }

  /** A Location on the gateway's origin, made relative; anything else is not followed. */
  private localLocation(raw: unknown): string | undefined {
    if (typeof raw !== 'string' || raw === '') return undefined;
    let target: URL;
    try {
      target = new URL(raw, this.options.gatewayUrl);
    } catch {
      return undefined;
    }
    if (target.origin !== this.origin) return undefined;
    return target.pathname + target.search;
  }
}

/**
 * The cookies the gateway set, as the cookie rules allow them for the URL posted to: one for
 * another domain or otherwise invalid there is dropped, and the others still count. Expired or
 * deleted ones are not returned.
 */
async function gatewayCookies(setCookie: readonly string[], url: string): Promise<Cookie[]> {
  const jar = new CookieJar();
  for (const header of setCookie) await jar.setCookie(header, url, { ignoreError: true });
  return jar.getCookies(url);
}

/**
 * The path a Location names, resolved as a browser would (an empty one is the URL asked for);
 * undefined when there is none or it is no URL.
 */
function pathOf(raw: unknown, base: string): string | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return new URL(raw, base).pathname;
  } catch {
    return undefined;
  }
}

/** The Cookie header that carries a session's cookies back to the gateway. */
function cookieHeader(setCookies: readonly string[]): string {
  return setCookies.map((header) => Cookie.parse(header)?.cookieString()).filter(Boolean).join('; ');
}

/**
 * Host-only on factorgate's host: the browser never sees the gateway's internal name. The cookie
 * is changed in place: it comes from gatewayCookies' jar, which is this replay's alone.
 */
function forBrowser(cookie: Cookie): string {
  cookie.domain = null;
  return cookie.toString();
}
