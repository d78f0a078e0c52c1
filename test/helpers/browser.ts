import { CookieJar } from 'tough-cookie';

export type Reply = { status: number; headers: Headers; setCookies: string[]; body: string; json(): any };

/** A minimal cookie-keeping HTTP client that behaves like a browser without scripts, redirects manual. */
export class TestBrowser {
  readonly jar = new CookieJar();
  constructor(readonly base: string) {}

  async get(path: string, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('GET', path, undefined, headers);
  }

  async post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Reply> {
    return this.request('POST', path, new URLSearchParams(form).toString(), { 'Content-Type': 'application/x-www-form-urlencoded', ...headers });
  }

  async postJson(path: string, form: Record<string, string>): Promise<Reply> {
    return this.post(path, form, { Accept: 'application/json' });
  }

  async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const url = new URL(path, this.base).toString();
    const cookie = await this.jar.getCookieString(url);
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } });
    const setCookies = res.headers.getSetCookie();
    for (const header of setCookies) await this.jar.setCookie(header, url, { ignoreError: true });
    const text = await res.text();
    return { status: res.status, headers: res.headers, setCookies, body: text, json: () => JSON.parse(text) };
  }

  async cookie(name: string, path = '/mfa/login'): Promise<string | undefined> {
    const cookies = await this.jar.getCookies(new URL(path, this.base).toString());
    return cookies.find((c) => c.key === name)?.value;
  }

  /** The login form token the injected page carries, as a browser would submit it. */
  static formToken(page: string): string {
    const match = /name="fg_csrf" value="([^"]+)"/.exec(page);
    if (!match) throw new Error('login page carries no fg_csrf field');
    return match[1]!;
  }
}
