// Which requests belong to whom. The target is read once (request_target.ts); a request is
// guarded when any reading a server may make of its path is a guarded path or lies below one,
// factorgate's own when any reading is one of its paths or a browser would send it factorgate's
// cookies, and refused when its readings could differ in ways that cannot be listed.

import { MANAGE, MFA, OPS_PATHS } from '../http/paths.js';
import { readTarget, type RefusalReason } from './request_target.js';

/** True when the path reading is a guarded path or lies below one. */
export function isUnder(reading: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => reading === prefix || reading.startsWith(prefix + '/'));
}

/** factorgate's own operational endpoints; the gateway never sees requests for them. */
const OWN_PATHS: ReadonlySet<string> = new Set(OPS_PATHS);

/**
 * The Path of factorgate's cookies (the login's under /mfa, the portal's under /manageotp). A
 * browser sends them with every request whose raw path they match, case-sensitively: such a
 * request is factorgate's own, whatever else it reads as, and never reaches the gateway.
 */
export const OWN_COOKIE_PATHS: readonly string[] = [MFA, MANAGE];

export type Decision =
  /** `target`: what to serve or forward, the request's own target in origin form. */
  | { route: 'pass' | 'login_page' | 'own'; target: string }
  /** `path`: the reading that is guarded. */
  | { route: 'guarded'; path: string }
  | { route: 'ambiguous'; reason: RefusalReason }
  /** OPTIONS * (RFC 9110 9.3.7), about the server rather than a resource. */
  | { route: 'asterisk' };

export type Route = Decision['route'];

/**
 * Paths as readings (lower-case, decoded). `loginPage`: the login page's path as configured;
 * `own`: path prefixes factorgate serves itself.
 */
export type RouteTable = { guarded: readonly string[]; loginPage: string; loginPageReadings: readonly string[]; own: readonly string[] };

export function routeTable(options: { guardedPaths: readonly string[]; loginTarget: string; loginPage: string; ownPaths?: readonly string[] }): RouteTable {
  return {
    guarded: [...new Set([options.loginTarget, ...options.guardedPaths].flatMap(readingsOfConfigured))],
    loginPage: options.loginPage,
    loginPageReadings: readingsOfConfigured(options.loginPage),
    own: [...new Set([...OWN_COOKIE_PATHS, ...(options.ownPaths ?? [])].flatMap(readingsOfConfigured))],
  };
}

/** Every reading of a configured path; the configuration schema has refused those it cannot read. */
function readingsOfConfigured(path: string): string[] {
  const read = readTarget(path);
  if (!read.ok || read.form !== 'origin') throw new Error(`not a plain path: ${path}`);
  return [...read.readings];
}

/** True when a browser sends a cookie of this Path with a request for this raw path (RFC 6265 5.1.4). */
export function cookiePathMatches(cookiePath: string, rawPath: string): boolean {
  return rawPath === cookiePath || (rawPath.startsWith(cookiePath) && (cookiePath.endsWith('/') || rawPath[cookiePath.length] === '/'));
}

export function classify(target: string, table: RouteTable): Decision {
  const read = readTarget(target);
  if (!read.ok) return { route: 'ambiguous', reason: read.reason };
  if (read.form === 'asterisk') return { route: 'asterisk' };
  const guarded = read.readings.find((reading) => isUnder(reading, table.guarded));
  if (guarded !== undefined) return { route: 'guarded', path: guarded };
  const own = OWN_COOKIE_PATHS.some((cookiePath) => cookiePathMatches(cookiePath, read.path))
    || read.readings.some((reading) => OWN_PATHS.has(reading) || isUnder(reading, table.own));
  if (own) return { route: 'own', target: read.target };
  if (read.readings.some((reading) => table.loginPageReadings.includes(reading))) return { route: 'login_page', target: read.target };
  return { route: 'pass', target: read.target };
}
