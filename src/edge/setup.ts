// Everything an edge configuration is made of, taken from factorgate's configuration and the
// command's options, checked once here so that the nginx and HAProxy renderers only write it out.
// Nothing secret is read into it: the configurations it makes are copied around and pasted into
// tickets, and the edge needs no secret to route.

import type { Config } from '../config/schema.js';
import { errorCatalog } from '../errors.js';
import { failurePage } from '../http/page.js';
import { ownPortalPaths } from '../http/paths.js';
import { IDLE_SOCKET_MS } from '../outbound/http_client.js';
import { edgeRules, type EdgeRules } from './rules.js';

export type EdgeOptions = {
  /** Where the edge listens: a port, or address:port ("443", "0.0.0.0:443", "[::]:443"). */
  listen?: string;
  /** nginx's server_name; any host when not given. */
  serverName?: string;
  /** TLS at the edge: the certificate (for HAProxy, one PEM with the key), and nginx's key file. */
  certificate?: string;
  certificateKey?: string;
  /** factorgate as the edge reaches it; default: listen.host and listen.port of the configuration. */
  factorgateUrl?: string;
  /** Where refusals are logged: a file for nginx, a log target for HAProxy ("/dev/log local0"). */
  log?: string;
};

export type Upstream = { scheme: 'http' | 'https'; host: string; port: number; url: string };

export type EdgeSetup = {
  rules: EdgeRules;
  gateway: Upstream;
  factorgate: Upstream;
  listen: { address?: string; port: number };
  tls?: { certificate: string; certificateKey?: string };
  serverName?: string;
  log?: string;
  /** Pages the edge answers refusals with: the same as factorgate's own, on one line. */
  pages: { ambiguous: string; guarded: string };
  loginPage: string;
  guardedPaths: readonly string[];
  /** factorgate's portals on this listener (/manageotp with otp, /admin unless it has a port of its own). */
  ownPaths: readonly string[];
  /** The header factorgate's replay carries its shared secret in: cleared on everything the edge forwards. */
  secretHeaderName: string;
  /** Idle connections to factorgate are closed before factorgate closes them (listen.keepAliveSeconds). */
  factorgateIdleSeconds: number;
  /** Idle connections to the gateway: as factorgate's own pool to it. */
  gatewayIdleSeconds: number;
  trustProxy: readonly string[];
};

export class EdgeSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EdgeSetupError';
  }
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

function upstream(url: string, what: string): Upstream {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EdgeSetupError(`${what}: not a URL: ${url}`);
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') throw new EdgeSetupError(`${what}: must be http:// or https://`);
  if (parsed.username || parsed.password) throw new EdgeSetupError(`${what}: must not carry a user or password`);
  const port = parsed.port === '' ? DEFAULT_PORT[scheme] : Number(parsed.port);
  return { scheme, host: parsed.hostname, port, url: `${scheme}://${parsed.host}` };
}

/** factorgate's own address as configured, a wildcard made into this machine's loopback. */
function factorgateFromListen(config: Config): string {
  const host = config.listen.host;
  const reachable = host === '0.0.0.0' || host === '' ? '127.0.0.1' : host === '::' ? '::1' : host;
  if (config.listen.port === 0) throw new EdgeSetupError('listen.port is 0 (a free port picked at start): give factorgate a fixed port, or --factorgate URL');
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${config.listen.port}`;
}

const LISTEN = /^(?:(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?(\d{1,5})$/;

function listenOf(listen: string | undefined, tls: boolean): EdgeSetup['listen'] {
  if (listen === undefined) return { port: tls ? 443 : 80 };
  const match = LISTEN.exec(listen);
  const port = Number(match?.[2]);
  if (!match || port < 1 || port > 65535) throw new EdgeSetupError(`--listen: give a port or address:port, e.g. 443 or 0.0.0.0:443 (got ${JSON.stringify(listen)})`);
  return { address: match[1], port };
}

/** A file name or log target written into a configuration: no quotes, spaces only where a log target has them. */
function plainValue(value: string | undefined, what: string, allowSpaces = false): string | undefined {
  if (value === undefined) return undefined;
  if (value === '' || !(allowSpaces ? /^[^\s"'\\;{}$#][^"'\\;{}$#\n\r]*$/ : /^[^\s"'\\;{}$#]+$/).test(value)) throw new EdgeSetupError(`${what}: not a plain path or name: ${JSON.stringify(value)}`);
  return value;
}

const oneLine = (page: string) => page.replace(/\n+/g, '');

/**
 * The setup for factorgate's configuration. Refuses (EdgeSetupError) what would make a wrong
 * edge: without trustProxy, factorgate would take every client for the edge, one address for
 * everyone's per-client limits and every flow rule on the client's address.
 */
export function edgeSetup(config: Config, options: EdgeOptions = {}): EdgeSetup {
  if (config.trustProxy.length === 0) {
    throw new EdgeSetupError('trustProxy is empty: factorgate would see every client as the edge\'s own address. List the address the edge connects to factorgate from (e.g. FACTORGATE_TRUST_PROXY=10.0.0.5), so factorgate believes the X-Forwarded-For of that address only.');
  }
  if (options.certificateKey !== undefined && options.certificate === undefined) throw new EdgeSetupError('--certificate-key needs --certificate');
  const certificate = plainValue(options.certificate, '--certificate');
  const gw = config.gateway;
  return {
    rules: edgeRules(config),
    gateway: upstream(gw.url, 'gateway.url'),
    factorgate: upstream(options.factorgateUrl ?? factorgateFromListen(config), '--factorgate'),
    listen: listenOf(options.listen, certificate !== undefined),
    ...(certificate === undefined ? {} : { tls: { certificate, certificateKey: plainValue(options.certificateKey, '--certificate-key') } }),
    serverName: plainValue(options.serverName, '--server-name'),
    log: plainValue(options.log, '--log', true),
    pages: {
      ambiguous: oneLine(failurePage('Sign-in stopped', errorCatalog.bad_request.message, gw.loginPage)),
      guarded: oneLine(failurePage('Sign in through the login page', errorCatalog.guarded_target.message, gw.loginPage)),
    },
    loginPage: gw.loginPage,
    guardedPaths: [...new Set([gw.loginTarget, ...gw.guardedPaths])],
    ownPaths: ownPortalPaths(config),
    secretHeaderName: gw.secretHeader.name,
    factorgateIdleSeconds: Math.max(1, config.listen.keepAliveSeconds - 1),
    gatewayIdleSeconds: Math.max(1, Math.floor(IDLE_SOCKET_MS / 1000)),
    trustProxy: config.trustProxy,
  };
}

/**
 * The head of a generated configuration, the same for every proxy: what it is, and the four
 * rules it holds. `passOn` says how the proxy passes the rest on to the gateway.
 */
export function headerComment(proxy: 'nginx' | 'HAProxy', command: string, setup: Pick<EdgeSetup, 'guardedPaths' | 'loginPage' | 'ownPaths'>, passOn: string): string[] {
  return [
    `# factorgate edge mode for ${proxy}, generated by \`factorgate edge ${command}\` from factorgate's configuration.`,
    '# Generate it again whenever the gateway.* settings, listen.* or these options change.',
    '#',
    `# ${proxy} carries the gateway's traffic; factorgate sees only the sign-in:`,
    '#   1. a target servers could read two ways (escaped separators or dots, dot segments, "\\", "//" first, ...)',
    '#      is refused with 400, as factorgate itself refuses it;',
    `#   2. the gateway's login targets are refused with 403, for every method and spelling: ${setup.guardedPaths.join(', ')} and below;`,
    `#   3. the login page (${setup.loginPage}), ${['/mfa', ...setup.ownPaths].map((path) => `${path}/`).join(', ')} and factorgate's health endpoints go to factorgate;`,
    `#   4. everything else goes straight to the gateway, ${passOn}.`,
  ];
}
