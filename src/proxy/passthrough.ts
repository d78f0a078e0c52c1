import { Agent as HttpAgent, type ClientRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { IDLE_SOCKET_MS } from '../outbound/http_client.js';
import type { Socket } from 'node:net';
import { createProxyMiddleware, proxyEventsPlugin, type Options, type RequestHandler } from 'http-proxy-middleware';
import { errorCatalog } from '../errors.js';
import { failurePage } from '../http/page.js';
import type { Logger } from '../log.js';
import { screenGatewaySetCookies, withoutCookies } from '../gateway/own_cookies.js';

export type GatewayProxyOptions = {
  gatewayUrl: string;
  timeoutMs?: number;
  logger: Logger;
  /** factorgate's own cookies (ownCookieNames): removed from every request to the gateway, and from its answers' Set-Cookie. */
  ownCookies: readonly string[];
  /** The gateway's login page, where the failure page sends the user when the gateway is down. */
  loginPage: string;
  /** Extra http-proxy-middleware options (the login page uses selfHandleResponse). */
  extra?: Partial<Options>;
};

/** One keep-alive pool to the gateway, shared by the pass-through and the login page. */
export function gatewayAgent(gatewayUrl: string): HttpAgent {
  // Idle connections are closed before the gateway would close them (see IDLE_SOCKET_MS).
  const options = { keepAlive: true, maxSockets: 512, maxFreeSockets: 64, timeout: IDLE_SOCKET_MS };
  return new URL(gatewayUrl).protocol === 'https:' ? new HttpsAgent(options) : new HttpAgent(options);
}

/**
 * The gateway's URL in the shape http-proxy reads (that of url.parse), made once: given a string,
 * http-proxy would parse it again on every request (README.md, Performance).
 */
export function proxyTarget(gatewayUrl: string): { protocol: string; host: string; hostname: string; port: string; path: string; pathname: string } {
  const url = new URL(gatewayUrl);
  return {
    protocol: url.protocol,
    host: url.host,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), // an IPv6 literal without its brackets, as http.request wants it
    port: url.port,
    path: url.pathname + url.search,
    pathname: url.pathname,
  };
}

/**
 * Everything that is not factorgate's own goes to the gateway as it is: the target exactly as the
 * front door judged it, bodies streamed, X-Forwarded-* set, redirects and cookies untouched (but
 * factorgate's own cookies, which the gateway has no business seeing or setting), WebSocket
 * upgrades passed on.
 */
export function gatewayProxy(options: GatewayProxyOptions & { agent: HttpAgent }): RequestHandler {
  const { logger, ownCookies } = options;
  const { on: extraEvents, ...extra } = options.extra ?? {};
  const target = proxyTarget(options.gatewayUrl);
  const basePath = target.pathname.replace(/\/$/, '');
  const prepare = (proxyReq: ClientRequest, req: IncomingMessage) => {
    // http-proxy re-reads the target with url.parse, which escapes some characters and drops
    // others, and collapses "//": the gateway gets the bytes the front door judged instead.
    proxyReq.path = basePath + (req.url ?? '/');
    const cookie = proxyReq.getHeader('cookie');
    if (typeof cookie !== 'string') return;
    const kept = withoutCookies(cookie, ownCookies);
    if (kept === undefined) proxyReq.removeHeader('cookie');
    else if (kept !== cookie) proxyReq.setHeader('cookie', kept);
  };
  // Before http-proxy copies the answer's headers (and before the login page reads them).
  const screen = (proxyRes: IncomingMessage, req: IncomingMessage) => {
    const lines = proxyRes.headers['set-cookie'];
    if (!lines) return;
    proxyRes.headers['set-cookie'] = screenGatewaySetCookies(lines, ownCookies, logger, (req.url ?? '').split('?', 1)[0]!);
  };
  return createProxyMiddleware({
    ...extra,
    target,
    agent: options.agent,
    xfwd: true,
    ws: false, // upgrades are routed explicitly by the server after the guard
    proxyTimeout: options.timeoutMs,
    // Only the event wiring: no console logging, and errors are answered by our handler below.
    ejectPlugins: true,
    plugins: [proxyEventsPlugin],
    on: {
      error: (err, req, target) => {
        const code = (err as NodeJS.ErrnoException).code ?? 'error';
        logger.warn({ event: 'passthrough_error', cause: code, method: req.method, path: (req.url ?? '').split('?', 1)[0]!.slice(0, 256) }, 'gateway unreachable for pass-through');
        if (isResponse(target)) {
          if (!target.headersSent) {
            // The styled page, as every failure of factorgate's: what happened, and the way back.
            target.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'X-Frame-Options': 'DENY' });
            target.end(failurePage('Sign-in unavailable', errorCatalog.gateway_unavailable.message, options.loginPage, 'Try again from the login page'));
          } else {
            target.destroy();
          }
        } else {
          (target as Socket | undefined)?.destroy?.();
        }
      },
      ...extraEvents,
      proxyReq: (proxyReq, req, res, proxyOptions) => {
        prepare(proxyReq, req);
        extraEvents?.proxyReq?.(proxyReq, req, res, proxyOptions);
      },
      proxyRes: (proxyRes, req, res) => {
        screen(proxyRes, req);
        extraEvents?.proxyRes?.(proxyRes, req, res);
      },
      proxyReqWs: (proxyReq, req, socket, proxyOptions, head) => {
        prepare(proxyReq, req);
        extraEvents?.proxyReqWs?.(proxyReq, req, socket, proxyOptions, head);
      },
    },
  });
}

function isResponse(target: unknown): target is ServerResponse {
  return typeof (target as ServerResponse | undefined)?.writeHead === 'function';
}

export type { IncomingMessage };
