import type { AxiosInstance } from 'axios';
import { callFailure, closeOutbound, outboundClient } from '../http/outbound.js';
import { Cookie, CookieJar } from 'tough-cookie';
import { FactorgateError } from '../errors.js';

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
  /** The clock the login's deadline is on (epoch ms). */
  now?: () => number;
};

export type ReplayResult = {
  /** Set-Cookie values for the browser: the gateway's cookies, made host-only for factorgate's host. */
  cookies: string[];
  /** Where the browser goes next, always a path on this origin. */
  location: string;
};

/**
 * Posts the held first-factor credentials to the gateway's login target, as the browser would
 * have, once the second factor holds. Only this code ever reaches the gateway's login.
 */
export class GatewayReplayer {
  /** Connections kept open to the gateway's login target, shared by every login. */
  static readonly MAX_SOCKETS = 16;

  private readonly http: AxiosInstance;
  private readonly origin: string;
  private readonly now: () => number;

  constructor(private readonly options: ReplayOptions) {
    this.origin = new URL(options.gatewayUrl).origin;
    this.now = options.now ?? Date.now;
    this.http = outboundClient({ maxSockets: GatewayReplayer.MAX_SOCKETS, maxReplyBytes: 256 * 1024, timeoutMs: options.timeoutMs });
  }

  /** `deadline` (epoch ms) is the whole login's: the replay never runs past it. */
  async replay(username: string, password: string, client: { ip: string; userAgent?: string }, deadline?: number): Promise<ReplayResult> {
    const { options } = this;
    const budget = Math.min(options.timeoutMs, (deadline ?? Infinity) - this.now());
    if (!(budget > 0)) throw new FactorgateError('no_login', 'login deadline passed before the replay');
    const url = new URL(options.loginTarget, options.gatewayUrl).toString();
    const body = new URLSearchParams({ [options.usernameField]: username, [options.passwordField]: password }).toString();
    const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded', 'X-Forwarded-For': client.ip };
    if (client.userAgent) headers['User-Agent'] = client.userAgent.slice(0, 512);
    if (options.secretHeader) headers[options.secretHeader.name] = options.secretHeader.value;
    let response;
    try {
      response = await this.http.post(url, body, { headers, timeout: budget });
    } catch (err) {
      const failure = callFailure(err);
      throw new FactorgateError('gateway_unavailable', `replay to the gateway failed: ${failure.kind}`, { cause: failure.cause });
    }
    if (response.status >= 500) throw new FactorgateError('gateway_unavailable', 'gateway error on replay', { httpStatus: response.status });

    const jar = new CookieJar();
    const setCookie = response.headers['set-cookie'] ?? [];
    // The jar applies the cookie rules against the gateway's URL, dropping cookies for other domains.
    for (const header of setCookie) await jar.setCookie(header, url, { ignoreError: true });
    const cookies = await jar.getCookies(url);
    const location = this.localLocation(response.headers['location']);
    const backToLogin = location !== undefined && new URL(location, 'http://x').pathname.toLowerCase() === options.loginPage.toLowerCase();
    const session = cookies.find((c) => c.key === options.sessionCookie && c.value !== '');
    if (!session || backToLogin || response.status >= 400) {
      throw new FactorgateError('gateway_refused', 'gateway did not accept the credentials', { httpStatus: response.status });
    }
    return { cookies: cookies.map(forBrowser), location: location ?? '/' };
  }

  close(): void {
    closeOutbound(this.http);
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

/** Host-only on factorgate's host: the browser never sees the gateway's internal name. */
function forBrowser(cookie: Cookie): string {
  const copy = cookie.clone() ?? cookie;
  copy.domain = null;
  copy.hostOnly = null;
  return copy.toString();
}
