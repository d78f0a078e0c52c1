import { IDLE_SOCKET_MS } from '../../src/outbound/http_client.js';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { Tally, routeOf } from './request_routes.js';

// The browser side of a login, as little as a browser needs: one keep-alive connection per
// virtual user, a cookie jar without paths (factorgate's cookies all live under /mfa, where every
// request that needs them goes), JSON in and out.

export type Reply = { status: number; headers: IncomingHttpHeaders; body: string };

/** Every request the browsers of this process sent, by origin and route (for the bench's request counts). */
export const sent = new Tally();

export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(private readonly agent: Agent, private readonly headers: Record<string, string>) {}

  get(url: string): Promise<Reply> {
    return this.send('GET', url);
  }

  postJson(url: string, data: unknown): Promise<Reply> {
    return this.send('POST', url, JSON.stringify(data), 'application/json');
  }

  json<T>(reply: Reply): T {
    return JSON.parse(reply.body) as T;
  }

  private send(method: string, url: string, body?: string, type?: string): Promise<Reply> {
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json, text/html' };
    if (this.cookies.size > 0) headers.Cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['Content-Type'] = type!;
      headers['Content-Length'] = String(Buffer.byteLength(body));
    }
    const { origin, pathname } = new URL(url);
    sent.add(`${origin} ${routeOf(method, pathname)}`);
    return new Promise((resolve, reject) => {
      const req = request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          this.remember(res.headers['set-cookie']);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  private remember(setCookies: string[] | undefined): void {
    for (const line of setCookies ?? []) {
      const [pair = ''] = line.split(';', 1);
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

/**
 * One agent for all virtual users of a driver (or one per user, from its own local address): keep-alive, a socket each. Idle sockets close
 * before the server's 5 s keep-alive timeout (a browser would retry a post that met a closing
 * connection; this driver does not, so it must not meet one across the pauses between phases).
 */
export function browserAgent(virtualUsers: number, localAddress?: string): Agent {
  return new Agent({ keepAlive: true, maxSockets: virtualUsers, maxFreeSockets: virtualUsers, timeout: IDLE_SOCKET_MS, localAddress });
}
