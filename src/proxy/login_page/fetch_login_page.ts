import type { Request, Response, RequestHandler } from 'express';
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeader, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { errorCatalog } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { RouteTable } from '../guard.js';
import { gatewayProxy } from '../passthrough.js';
import { loginFormToken } from '../../security/csrf.js';
import type { Keyring } from '../../security/keyring.js';
import { cachedLoginPageInjector, injectIntoLoginPage } from './inject_login_page.js';
import { RETRY_COOKIE } from '../../http/paths.js';
import { cookie } from '../../http/request.js';
import { openRetryNote } from '../../http/retry_note.js';
import { failurePage } from '../../http/page.js';

type Deps = {
  gatewayUrl: string; agent: Agent; table: RouteTable; keyring: Keyring; csrfFieldName: string;
  /** Sets the login form's token cookie (the login's cookie policy decides its attributes). */
  setFormToken: (res: Response, token: string) => void; logger: Logger;
  /** The form token's cookie: its name, and how long a token lives. */
  formTokenCookie: string; formTokenLifeMs: number;
  /** The login page's path as configured, where a failure page sends the user back to. */
  loginPage: string;
  /** The password field after which a token PIN field is added (LinOTP otppin 0), if any. */
  tokenPinAfter?: string;
  /** factorgate's own cookies, never sent to the gateway (ownCookieNames). */
  ownCookies: readonly string[];
  /** The whole fetch, from the request to the page's last byte (gateway.timeoutMs). */
  timeoutMs: number;
  /** The login form's user name field, filled in again after a refused password (src/http/retry_note.ts). */
  usernameField: string;
  /** Clears the refused password's note once the page has shown it (the login's cookie policy). */
  clearRetryNote: (res: Response) => void;
};

/** The largest login page factorgate reads to rewrite, after decompression; a larger one is refused. */
export const MAX_LOGIN_PAGE_BYTES = 1024 * 1024;

const DECODERS: Record<string, () => NodeJS.ReadWriteStream> = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

// Hop-by-hop headers belong to the connection to the gateway, not to the page.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);
// These describe the gateway's bytes, not the rewritten page; factorgate sets its own.
const REWRITTEN = new Set(['content-length', 'content-encoding', 'etag', 'last-modified', 'cache-control']);

// The page carries the passcode dialog: no other site may frame it, no browser may sniff it into
// another type. A second CSP header only tightens the gateway's own, which is passed as it is.
const PAGE_GUARDS = { 'x-frame-options': 'DENY', 'x-content-type-options': 'nosniff' } as const;
const FRAME_ANCESTORS = "frame-ancestors 'none'";

function withPageGuards(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  const csp = headers['content-security-policy'];
  const policies: string[] = csp === undefined ? [] : Array.isArray(csp) ? csp.map(String) : [String(csp)];
  const guarded: Record<string, OutgoingHttpHeader | undefined> = { ...headers, ...PAGE_GUARDS, 'content-security-policy': [...policies, FRAME_ANCESTORS] };
  return guarded;
}

/** One fetch of the page: the request to the gateway, and whether the browser has had its answer. */
type PageFetch = { upstream?: ClientRequest; over: boolean };

class UnreadablePage extends Error {
  constructor(readonly reason: 'too_large' | 'unsupported_encoding' | 'bad_encoding') {
    super(`login page unreadable: ${reason}`);
  }
}

/**
 * The gateway's own login page, fetched through the proxy, with factorgate's script injected.
 * The page is read here rather than by http-proxy-middleware's responseInterceptor, which buffers
 * without a bound and rewrites the gateway's Set-Cookie Domain attributes: a page is read up to
 * MAX_LOGIN_PAGE_BYTES, its cookies pass as the pass-through passes them (factorgate's own names
 * dropped), and anything that is not a 200 HTML page (a redirect, an error, HEAD) is streamed on
 * as the pass-through would.
 */
export function loginPageHandler(deps: Deps): RequestHandler {
  const inject = cachedLoginPageInjector(deps.table, { csrfFieldName: deps.csrfFieldName, tokenPinAfter: deps.tokenPinAfter });
  const fetches = new WeakMap<IncomingMessage, PageFetch>();

  /** A fetch gone wrong or out of time: one log line, the failure page (or a cut answer, if it had begun), the gateway request dropped. */
  function fail(req: IncomingMessage, res: ServerResponse, cause: string): void {
    const fetch = fetches.get(req);
    if (!fetch || fetch.over) return;
    fetch.over = true;
    fetch.upstream?.destroy();
    deps.logger.warn({ event: 'login_page_unreadable', cause, limitBytes: MAX_LOGIN_PAGE_BYTES, timeoutMs: deps.timeoutMs }, 'the gateway login page could not be read for rewriting');
    if (res.headersSent) return void res.destroy();
    res.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...PAGE_GUARDS });
    res.end(failurePage('Sign-in unavailable', errorCatalog.gateway_unavailable.message, deps.loginPage));
  }

  async function answer(gatewayRes: IncomingMessage, req: Request, res: Response): Promise<void> {
    const type = String(gatewayRes.headers['content-type'] ?? '');
    if (req.method === 'HEAD' || gatewayRes.statusCode !== 200 || !type.includes('text/html')) {
      res.writeHead(gatewayRes.statusCode ?? 502, withPageGuards(forwardable(gatewayRes.headers)));
      gatewayRes.on('error', () => res.destroy()); // a gateway that breaks off mid-answer: so does factorgate
      gatewayRes.pipe(res);
      return;
    }
    let page: string;
    try {
      page = await readPage(gatewayRes);
    } catch (err) {
      return fail(req, res, err instanceof UnreadablePage ? err.reason : (err as NodeJS.ErrnoException).code ?? 'error');
    }
    // This browser's token while it is young, so a login page opened in a second tab leaves the first one's working.
    const { token, reused } = loginFormToken(deps.keyring, cookie(req, deps.formTokenCookie), Date.now(), deps.formTokenLifeMs);
    const noteCookie = cookie(req, RETRY_COOKIE);
    const note = openRetryNote(deps.keyring, noteCookie, Date.now());
    // A refused password's note is rare and this browser's alone: that page is rewritten in full, not from the cache.
    const { html, formsRewritten } = note
      ? await injectIntoLoginPage(page, deps.table, {
        csrfFieldName: deps.csrfFieldName, csrfToken: token, tokenPinAfter: deps.tokenPinAfter,
        refused: { notice: errorCatalog.gateway_refused.message, usernameField: deps.usernameField, username: note.user },
      })
      : await inject(page, token);
    const fetch = fetches.get(req);
    if (!fetch || fetch.over) return;
    fetch.over = true;
    if (formsRewritten === 0) deps.logger.warn({ event: 'login_form_not_found' }, 'no form posting to the login target on the login page');
    res.status(200).set(withPageGuards(forwardable(gatewayRes.headers, REWRITTEN)) as Record<string, string>);
    if (!reused) deps.setFormToken(res, token);
    if (noteCookie !== undefined) deps.clearRetryNote(res);
    res.set('Cache-Control', 'no-store');
    res.set('Content-Length', String(Buffer.byteLength(html)));
    res.end(html);
  }

  const proxy = gatewayProxy({
    gatewayUrl: deps.gatewayUrl,
    agent: deps.agent,
    logger: deps.logger,
    ownCookies: deps.ownCookies,
    loginPage: deps.loginPage,
    extra: {
      selfHandleResponse: true,
      on: {
        proxyReq: (proxyReq, req) => {
          const fetch = fetches.get(req);
          if (fetch) fetch.upstream = proxyReq;
          // Always fetch a full page: a 304 would leave the browser a cached form with a stale token.
          proxyReq.removeHeader('if-none-match');
          proxyReq.removeHeader('if-modified-since');
          // A page factorgate rewrites is read whole: ask for it unencoded (an encoded one is still decoded).
          proxyReq.setHeader('accept-encoding', 'identity');
        },
        proxyRes: (gatewayRes, req, res) => {
          void answer(gatewayRes, req as Request, res as Response).catch((err: Error) => {
            deps.logger.error({ event: 'login_page_failed', cause: err.name }, 'the login page could not be served');
            if (res.headersSent) return void res.destroy();
            res.writeHead(502, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...PAGE_GUARDS });
            res.end(failurePage('Sign-in unavailable', errorCatalog.gateway_unavailable.message, deps.loginPage));
          });
        },
        // The gateway refused the connection, reset it, or the fetch was dropped by fail() itself.
        error: (err, req, res) => {
          if (typeof (res as ServerResponse).writeHead === 'function') fail(req, res as ServerResponse, (err as NodeJS.ErrnoException).code ?? 'error');
        },
      },
    },
  });
  return (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    fetches.set(req, { over: false });
    const deadline = setTimeout(() => fail(req, res, 'timeout'), deps.timeoutMs);
    res.once('close', () => clearTimeout(deadline));
    void proxy(req, res, next);
  };
}

/** The gateway's headers without hop-by-hop ones (and those its Connection header names), and without those in `drop`. */
function forwardable(headers: IncomingHttpHeaders, drop: ReadonlySet<string> = new Set()): OutgoingHttpHeaders {
  const named = String(headers.connection ?? '').toLowerCase().split(',').map((h) => h.trim());
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !drop.has(name) && !HOP_BY_HOP.has(name) && !named.includes(name)) out[name] = value;
  }
  return out;
}

/** The page's text, decoded, read up to MAX_LOGIN_PAGE_BYTES. */
function readPage(gatewayRes: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) => {
      gatewayRes.destroy();
      reject(err);
    };
    if (Number(gatewayRes.headers['content-length'] ?? 0) > MAX_LOGIN_PAGE_BYTES) return fail(new UnreadablePage('too_large'));
    const encoding = String(gatewayRes.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    const decoder = DECODERS[encoding];
    if (!decoder && encoding !== 'identity') return fail(new UnreadablePage('unsupported_encoding'));
    const body: Readable = decoder ? gatewayRes.pipe(decoder()) as unknown as Readable : gatewayRes;
    const chunks: Buffer[] = [];
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_LOGIN_PAGE_BYTES) {
        body.destroy();
        return fail(new UnreadablePage('too_large'));
      }
      chunks.push(chunk);
    });
    body.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    gatewayRes.on('error', fail);
    if (body !== gatewayRes) body.on('error', () => fail(new UnreadablePage('bad_encoding')));
  });
}
