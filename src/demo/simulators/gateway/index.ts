import type { Duplex } from 'node:stream';
import Denque from 'denque';
import express from 'express';
import { SimulatorServer } from '../http_server.js';
import { echoRoutes } from './echo_routes.js';
import { lenientLoginRoutes, type SeenRequest } from './lenient_paths.js';
import { LoginLog, type LoginOutcome, type LoginPost } from './login_log.js';
import { loginRoutes } from './login_routes.js';
import { resolveGatewayOptions, type GatewaySimulatorOptions, type ResolvedGatewayOptions } from './options.js';
import { PasswordCheck } from './passwords.js';
import { portalRoutes } from './portal_routes.js';
import { sessionCookieOf } from './session_cookie.js';
import { Sessions } from './sessions.js';
import { webSocketEcho } from './websocket.js';

export type { GatewaySimulatorOptions } from './options.js';
export type { LoginOutcome, LoginPost } from './login_log.js';
export type { SeenRequest } from './lenient_paths.js';

/** How many requests lenientPaths mode remembers, newest kept. */
const MAX_SEEN = 1000;
export type { Refusal } from './refusals.js';

/**
 * The NetScaler-style gateway of docs/design.md: a login page, /cgi/login with a session
 * cookie, a portal behind it, logout, and pass-through helpers (/echo, /redirect, /ws).
 */
export function createGatewaySimulator(options: GatewaySimulatorOptions = {}): GatewaySimulator {
  return new GatewaySimulator(resolveGatewayOptions(options));
}

export class GatewaySimulator {
  private readonly sessions: Sessions;
  private readonly logins = new LoginLog();
  private readonly server: SimulatorServer;
  private readonly ws = webSocketEcho('/ws');
  // A ring: once full, each request drops the oldest in O(1).
  private readonly seen = new Denque<SeenRequest>([], { capacity: MAX_SEEN });

  constructor(private readonly options: ResolvedGatewayOptions) {
    this.sessions = new Sessions({ idleMs: options.sessionIdleMs });
    const app = express();
    app.disable('x-powered-by');
    const passwords = new PasswordCheck(options.users);
    const loginDeps = { options, passwords, sessions: this.sessions, logins: this.logins };
    if (options.lenientPaths) app.use(lenientLoginRoutes(loginDeps, (request) => this.remember(request)));
    app.use(loginRoutes(loginDeps));
    app.use(portalRoutes(this.sessions, options.sessionCookie));
    app.use(echoRoutes());
    // As NetScaler: the portal for a live session, else the login page.
    app.get('/', (req, res) => res.redirect(302, this.sessions.userOf(sessionCookieOf(req, options.sessionCookie)) ? '/portal/' : '/vpn/index.html'));
    app.use((_req, res) => void res.status(404).type('text/plain').send('not found\n'));
    this.server = new SimulatorServer(app, (req, socket, head) => {
      if (options.lenientPaths) this.remember({ method: req.method ?? '', target: req.url ?? '', ...(req.headers.cookie === undefined ? {} : { cookie: req.headers.cookie }) });
      if (options.lenientPaths && /(?:^|,)\s*h2c\s*(?:,|$)/i.test(req.headers.upgrade ?? '')) return this.openTunnel(socket, head);
      this.ws.onUpgrade(req, socket, head);
    });
  }

  /**
   * lenientPaths mode accepts an h2c upgrade on any path, as a gateway with cleartext HTTP/2 on
   * does: what follows goes straight to its own server, past whatever proxy let the upgrade
   * through (spoken in HTTP/1.1 here).
   */
  private openTunnel(socket: Duplex, head: Buffer): void {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n');
    this.server.adopt(socket, head);
  }

  /** The root URL (what factorgate's gateway.url takes); throws before listen(). */
  get url(): string {
    return this.server.url;
  }

  get sessionCookie(): string {
    return this.options.sessionCookie;
  }

  listen(port = 0, host = '127.0.0.1'): Promise<{ url: string }> {
    return this.server.listen(port, host);
  }

  /** Stops listening and drops every connection, WebSockets included. */
  async close(): Promise<void> {
    this.ws.close();
    await this.server.close();
  }

  /** Login posts received for this user among the last 1,000, of any outcome unless one is named. */
  loginCount(user: string, outcome?: LoginOutcome): number {
    return this.logins.count(user, outcome);
  }

  /** The last 1,000 login posts received, oldest first, with their headers (the password is never kept). */
  loginPosts(): LoginPost[] {
    return this.logins.list();
  }

  /** In lenientPaths mode, the last 1,000 requests received (method, raw target, Cookie header), oldest first. */
  requestsSeen(): SeenRequest[] {
    return this.seen.toArray().map((r) => ({ ...r }));
  }

  private remember(request: SeenRequest): void {
    this.seen.push(request);
  }

  /** Live sessions, of one user or of all. */
  sessionCount(user?: string): number {
    return this.sessions.count(user);
  }

  /** Live sessions of this user ended at /cgi/logout. */
  logoutCount(user: string): number {
    return this.sessions.logouts(user);
  }

  /** Forgets every session, login post and request seen. */
  reset(): void {
    this.sessions.clear();
    this.logins.clear();
    this.seen.clear();
  }
}
