import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';

export type GatewayStub = {
  url: string;
  logins: Array<{ login: string; headers: Record<string, unknown> }>;
  /** Live sessions by id, with their user: a test may drop one (the gateway's idle timeout). */
  sessions: Map<string, string>;
  /** Users whose session was ended at /cgi/logout, in order. */
  logouts: string[];
  /** Every request the stub received, as it came. */
  requests: Array<{ method: string; url: string; headers: Record<string, string | string[] | undefined> }>;
  /** Set-Cookie lines added to every answer, as a page behind a gateway could set any cookie. */
  planted: string[];
  close(): Promise<void>;
};

export const STUB_USERS: Record<string, string> = { alice: 'alice-pw', bob: 'bob-pw' };

export const LOGIN_PAGE = `<!doctype html><html><head><title>Gateway</title></head><body>
<form method="post" action="/cgi/login"><input name="login"><input type="password" name="passwd"><button type="submit">Log on</button></form>
</body></html>`;

/** A tiny NetScaler-like gateway for integration tests (docs/design.md, The gateway). */
export async function startGatewayStub(): Promise<GatewayStub> {
  const logins: GatewayStub['logins'] = [];
  const requests: GatewayStub['requests'] = [];
  const sessions = new Map<string, string>();
  const logouts: string[] = [];
  const planted: string[] = [];
  const sessionOf = (req: import('node:http').IncomingMessage) => /NSC_AAAC=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: { ...req.headers } });
    // Each answer's head, with the planted cookies before its own Set-Cookie lines.
    const head = (status: number, headers: OutgoingHttpHeaders = {}) => {
      const own = headers['Set-Cookie'] === undefined ? [] : [headers['Set-Cookie']].flat().map(String);
      res.writeHead(status, planted.length === 0 ? headers : { ...headers, 'Set-Cookie': [...planted, ...own] });
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      if (req.method === 'GET' && url.pathname === '/vpn/index.html') {
        head(200, { 'Content-Type': 'text/html; charset=utf-8', ETag: '"v1"' });
        return res.end(LOGIN_PAGE);
      }
      if (req.method === 'POST' && url.pathname === '/cgi/login') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        const login = form.get('login') ?? '';
        logins.push({ login, headers: { ...req.headers } });
        if (STUB_USERS[login] && STUB_USERS[login] === form.get('passwd')) {
          const sid = randomUUID();
          sessions.set(sid, login);
          head(302, { Location: '/vpn/portal.html', 'Set-Cookie': [`NSC_AAAC=${sid}; Path=/; HttpOnly`, 'NSC_TMAS=1; Path=/'] });
        } else {
          head(302, { Location: '/vpn/index.html' });
        }
        return res.end();
      }
      if (req.method === 'GET' && url.pathname === '/') {
        // As NetScaler: the portal for a live session, else the login page.
        const live = sessions.has(sessionOf(req) ?? '');
        head(302, { Location: live ? '/vpn/portal.html' : '/vpn/index.html' });
        return res.end();
      }
      if (url.pathname === '/cgi/logout') {
        const sid = sessionOf(req) ?? '';
        const user = sessions.get(sid);
        if (user !== undefined) logouts.push(user);
        sessions.delete(sid);
        head(302, { Location: '/vpn/index.html', 'Set-Cookie': 'NSC_AAAC=; Path=/; Max-Age=0' });
        return res.end();
      }
      if (url.pathname === '/vpn/portal.html') {
        const sid = sessionOf(req);
        const user = sid ? sessions.get(sid) : undefined;
        if (!user) {
          head(302, { Location: '/vpn/index.html' });
          return res.end();
        }
        head(200, { 'Content-Type': 'text/plain' });
        return res.end(`portal of ${user}`);
      }
      if (url.pathname === '/redirect') {
        head(302, { Location: 'http://gateway.internal/vpn/portal.html', 'Set-Cookie': ['a=1; Path=/; HttpOnly', 'b=2; Path=/vpn'] });
        return res.end();
      }
      if (url.pathname === '/echo') {
        head(200, { 'Content-Type': 'application/json', 'Set-Cookie': 'echo=1; Path=/' });
        return res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bodyLength: Buffer.concat(chunks).length }));
      }
      head(404);
      res.end('not found');
    });
  });
  // A raw upgrade that echoes bytes back: enough to prove upgrades pass through untouched.
  const upgraded = new Set<import('node:stream').Duplex>();
  server.on('upgrade', (req, socket) => {
    if (req.url !== '/ws') return socket.destroy();
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    logins,
    sessions,
    logouts,
    requests,
    planted,
    close: () => new Promise((resolve) => {
      for (const socket of upgraded) socket.destroy();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
