import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import proxyAddr from 'proxy-addr';
import type { RequestHandler as ProxyHandler } from 'http-proxy-middleware';
import type { Logger } from '../log.js';
import { classify, type RouteTable } from './guard.js';
import { targetOverrideHeader } from './target_headers.js';
import { failurePage } from '../http/page.js';
import { errorCatalog } from '../errors.js';
import { REQUEST_ID_HEADER, requestIdFor, withRequestId } from '../http/request_context.js';

export type ServerDeps = {
  /** factorgate's own routes (express). */
  app: (req: IncomingMessage, res: ServerResponse) => void;
  passthrough: ProxyHandler;
  table: RouteTable;
  trustProxy: readonly string[];
  loginPage: string;
  /** Idle client connections are closed after this long (listen.keepAliveSeconds). */
  keepAliveMs?: number;
  /** How long a client may take to send its headers, and its whole request (defaults below). */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  logger: Logger;
  /** One `access` line per request when on (log.access). */
  accessLog?: boolean;
  /** A passed-through request ended: its status class (2xx..5xx, or aborted) and how long it took. */
  onPassthrough?: (status: string, seconds: number) => void;
};

/** The one protocol a client may upgrade to through factorgate. */
const WEBSOCKET = /^websocket$/i;

const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded'];

/** The whole request, body included, must arrive within this; longer uploads are cut (408). */
const REQUEST_TIMEOUT_MS = 120_000;
/** How often Node looks for connections past those timeouts; its default of 30 s would let a slow client hold one that much longer. */
const CONNECTION_CHECK_MS = 1000;

/**
 * The front door. Routing is one table lookup on the request target as request_target.ts reads
 * it, so pass-through traffic reaches the proxy without going through express (whose router
 * costs more than the proxying itself). Guarded login targets are refused here, for every
 * method, and so is every target whose readings could differ, or a request with a header that
 * names a target of its own (400, ambiguous_target). What is forwarded is the target as it came,
 * so the gateway reads only what the guard judged.
 */
export type FrontDoor = {
  server: Server;
  /** Graceful stop: no new connections, idle ones closed, the rest (and upgrades) cut after the grace period. */
  close(graceMs: number): Promise<void>;
};

export function createServer(deps: ServerDeps): FrontDoor {
  const upgraded = new Set<Duplex>();
  const trusted = proxyAddr.compile([...deps.trustProxy]);
  // Forwarding headers from a client we do not trust are dropped, so the gateway sees the real address.
  const dropUntrustedForwarding = (req: IncomingMessage) => {
    if (trusted(req.socket.remoteAddress ?? '', 0)) return;
    for (const name of FORWARDING_HEADERS) delete req.headers[name];
  };
  const logAmbiguous = (req: IncomingMessage, reason: string, header?: string) =>
    deps.logger.warn({ event: 'ambiguous_target', reason, ...(header && { header }), method: req.method, path: pathForLog(req.url), clientIp: req.socket.remoteAddress }, 'request target refused: servers could read it differently');
  const refuseAmbiguous = (req: IncomingMessage, res: ServerResponse, reason: string, header?: string) => {
    logAmbiguous(req, reason, header);
    refuse(res, 400, 'Sign-in stopped', errorCatalog.bad_request.message, deps.loginPage);
  };

  const keepAliveMs = deps.keepAliveMs ?? 5000;
  // Above the keep-alive timeout, so a slow first header on a reused connection is not cut short.
  const headersTimeoutMs = deps.headersTimeoutMs ?? Math.max(20_000, keepAliveMs + 1000);
  const requestTimeoutMs = deps.requestTimeoutMs ?? Math.max(REQUEST_TIMEOUT_MS, headersTimeoutMs);
  /** The request's id (src/http/request_context.ts), put where the gateway and the client see it. */
  const identify = (req: IncomingMessage, res?: ServerResponse) => {
    const requestId = requestIdFor(req.headers[REQUEST_ID_HEADER], trusted(req.socket.remoteAddress ?? '', 0));
    req.headers[REQUEST_ID_HEADER] = requestId;
    res?.setHeader('X-Request-Id', requestId);
    return requestId;
  };
  /** When the response is over (sent or cut): the access line and the pass-through histogram. */
  const onEnd = (req: IncomingMessage, res: ServerResponse, requestId: string, routeName: string) => {
    const started = process.hrtime.bigint();
    const target = req.url;
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? `${Math.floor(res.statusCode / 100)}xx` : 'aborted';
      if (routeName === 'pass') deps.onPassthrough?.(status, seconds);
      if (!deps.accessLog) return;
      withRequestId(requestId, () => deps.logger.info({
        event: 'access', method: req.method, path: pathForLog(target), route: routeName, status: res.writableFinished ? res.statusCode : 'aborted',
        ms: Math.round(seconds * 1000), clientIp: req.socket.remoteAddress,
      }, 'request'));
    });
  };

  const server = createHttpServer({ connectionsCheckingInterval: Math.min(CONNECTION_CHECK_MS, headersTimeoutMs) }, (req, res) => {
    const requestId = identify(req, res);
    const override = targetOverrideHeader(req.headers);
    const decision = override === undefined ? classify(req.url ?? '/', deps.table) : undefined;
    onEnd(req, res, requestId, decision?.route ?? 'ambiguous');
    withRequestId(requestId, () => (decision ? route(req, res, decision) : refuseAmbiguous(req, res, 'target_override_header', override)));
  });

  const route = (req: IncomingMessage, res: ServerResponse, decision: ReturnType<typeof classify>) => {
    switch (decision.route) {
      case 'pass':
        req.url = decision.target;
        dropUntrustedForwarding(req);
        // The proxy declines only targets it cannot place; none should get here, but none may go unanswered.
        void deps.passthrough(req, res, () => refuseAmbiguous(req, res, 'not_forwardable'));
        return;
      case 'login_page':
        req.url = decision.target;
        dropUntrustedForwarding(req);
        deps.app(req, res);
        return;
      case 'own':
        req.url = decision.target;
        deps.app(req, res);
        return;
      case 'guarded':
        deps.logger.warn({ event: 'guarded_target_refused', method: req.method, path: decision.path, clientIp: req.socket.remoteAddress }, 'direct request to a guarded gateway login target refused');
        refuse(res, 403, 'Sign in through the login page', errorCatalog.guarded_target.message, deps.loginPage);
        return;
      case 'asterisk':
        if (req.method === 'OPTIONS') {
          // About factorgate itself, not a resource of the gateway: answered here, with nothing to say.
          res.writeHead(204, { 'Cache-Control': 'no-store' });
          res.end();
          return;
        }
        refuseAmbiguous(req, res, 'asterisk_form');
        return;
      case 'ambiguous':
        refuseAmbiguous(req, res, decision.reason);
    }
  };

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    withRequestId(identify(req), () => upgrade(req, socket, head));
  });

  const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!WEBSOCKET.test(req.headers.upgrade ?? '')) {
      // Another protocol the gateway accepted (h2c) would leave the client a connection straight to it, past the guard.
      deps.logger.warn({ event: 'upgrade_refused', reason: 'not_websocket', path: pathForLog(req.url), clientIp: req.socket.remoteAddress }, 'upgrade to a protocol other than WebSocket refused');
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const override = targetOverrideHeader(req.headers);
    const decision = override === undefined ? classify(req.url ?? '/', deps.table) : { route: 'ambiguous' as const, reason: 'target_override_header' };
    if (decision.route !== 'pass') {
      const reason = decision.route === 'ambiguous' ? decision.reason : decision.route;
      deps.logger.warn({ event: 'upgrade_refused', reason, path: pathForLog(req.url), clientIp: req.socket.remoteAddress }, 'WebSocket upgrade to a non-pass-through path refused');
      socket.end(`HTTP/1.1 ${decision.route === 'ambiguous' ? '400 Bad Request' : '403 Forbidden'}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    req.url = decision.target;
    dropUntrustedForwarding(req);
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    deps.passthrough.upgrade(req, socket as never, head);
  };

  // CONNECT (authority form) asks for a tunnel, which factorgate never opens; Node would drop it without a word.
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    logAmbiguous(req, 'authority_form');
    socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });

  // Garbage, or a client too slow with its headers or body: Node's parser stops it before any
  // handler. It gets a status line if no answer has begun on the connection, and is closed.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const answering = (socket as Duplex & { _httpMessage?: ServerResponse })._httpMessage?.headersSent === true;
    if (!socket.writable || answering || err.code === 'ECONNRESET') return void socket.destroy();
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  server.keepAliveTimeout = keepAliveMs;
  server.headersTimeout = headersTimeoutMs;
  server.requestTimeout = requestTimeoutMs;

  return {
    server,
    close: (graceMs) =>
      new Promise<void>((resolve) => {
        // Keep-alive connections become idle as their last response ends: close them as they do.
        const sweeper = setInterval(() => server.closeIdleConnections(), 100);
        const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(sweeper);
          clearTimeout(deadline);
          resolve();
        });
        server.closeIdleConnections();
        for (const socket of upgraded) socket.destroy();
      }),
  };
}

/** The path of a target, for a log line: never its query, which may carry credentials; bounded. */
function pathForLog(target: string | undefined): string {
  return (target ?? '').split('?', 1)[0]!.slice(0, 256);
}

function refuse(res: ServerResponse, status: number, title: string, message: string, loginPage: string): void {
  // Connection: close, so an unread request body can never be read as a second request.
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'close', 'X-Content-Type-Options': 'nosniff' });
  res.end(failurePage(title, message, loginPage));
}
