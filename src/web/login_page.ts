import type { Request, Response, RequestHandler } from 'express';
import type { Agent } from 'node:http';
import { responseInterceptor } from 'http-proxy-middleware';
import type { Logger } from '../log.js';
import type { RouteTable } from '../proxy/guard.js';
import { gatewayProxy } from '../proxy/passthrough.js';
import { issueFormToken } from '../security/csrf.js';
import type { Keyring } from '../security/keyring.js';
import type { CookiePolicy } from './cookies.js';
import { cachedLoginPageInjector } from './inject_login_page.js';

type Deps = {
  gatewayUrl: string; agent: Agent; table: RouteTable; keyring: Keyring; cookies: CookiePolicy; csrfFieldName: string; logger: Logger;
  /** The password field after which a token PIN field is added (LinOTP otppin 0), if any. */
  tokenPinAfter?: string;
};

/** The gateway's own login page, fetched through the proxy, with factorgate's script injected. */
export function loginPageHandler(deps: Deps): RequestHandler {
  const inject = cachedLoginPageInjector(deps.table, { csrfFieldName: deps.csrfFieldName, tokenPinAfter: deps.tokenPinAfter });
  const proxy = gatewayProxy({
    gatewayUrl: deps.gatewayUrl,
    agent: deps.agent,
    logger: deps.logger,
    extra: {
      selfHandleResponse: true,
      on: {
        // Always fetch a full page: a 304 would leave the browser a cached form with a stale token.
        proxyReq: (proxyReq) => {
          proxyReq.removeHeader('if-none-match');
          proxyReq.removeHeader('if-modified-since');
        },
        proxyRes: responseInterceptor(async (buffer, proxyRes, _req, res) => {
          const type = String(proxyRes.headers['content-type'] ?? '');
          if (proxyRes.statusCode !== 200 || !type.includes('text/html')) return buffer;
          const token = issueFormToken(deps.keyring);
          const { html, formsRewritten } = await inject(buffer.toString('utf8'), token);
          if (formsRewritten === 0) deps.logger.warn({ event: 'login_form_not_found' }, 'no form posting to the login target on the login page');
          const response = res as unknown as Response;
          deps.cookies.setFormToken(response, token);
          response.removeHeader('etag');
          response.removeHeader('last-modified');
          response.setHeader('cache-control', 'no-store');
          return html;
        }),
      },
    },
  });
  return (req: Request, res: Response, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    void proxy(req, res, next);
  };
}
