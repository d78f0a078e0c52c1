// Which request paths belong to whom. Paths are normalised the way a lenient gateway might read
// them (percent-decoding, case, duplicate or trailing slashes, dot segments, ;parameters,
// backslashes), so no spelling of a guarded login target slips through to the gateway.

const MAX_DECODE_ROUNDS = 3;

/** The canonical lower-case path of a request target, or undefined when it cannot be read safely. */
export function normalizePath(target: string): string | undefined {
  let path = target.split(/[?#]/, 1)[0] ?? '';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    // absolute-form request target (RFC 9112 3.2.2)
    try {
      path = new URL(path).pathname;
    } catch {
      return undefined;
    }
  }
  for (let round = 0; round < MAX_DECODE_ROUNDS && path.includes('%'); round++) {
    try {
      path = decodeURIComponent(path);
    } catch {
      return undefined;
    }
  }
  if (path.includes('%') || /[\u0000-\u001f\u007f]/.test(path)) return undefined;
  // An encoded ? or # must not hide the path's end from the guard: read it as a lenient server might.
  path = path.split(/[?#]/, 1)[0] ?? '';
  const segments: string[] = [];
  for (const rawSegment of path.replace(/\\/g, '/').split('/')) {
    const segment = rawSegment.split(';', 1)[0]!.trim();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment.toLowerCase());
  }
  return '/' + segments.join('/');
}

/** True when the normalised path is a guarded path or lies below one. */
export function isUnder(normalized: string, prefixes: readonly string[]): boolean {
  return prefixes.some((prefix) => normalized === prefix || normalized.startsWith(prefix + '/'));
}

/** factorgate's own operational endpoints; the gateway never sees requests for them. */
const OWN_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

export type Route = 'own' | 'login_page' | 'guarded' | 'bad_target' | 'pass';

/** `own`: more path prefixes factorgate serves itself (/manageotp when otp.enabled). */
export type RouteTable = { guarded: readonly string[]; loginPage: string; own?: readonly string[] };

export function routeTable(options: { guardedPaths: readonly string[]; loginTarget: string; loginPage: string; ownPaths?: readonly string[] }): RouteTable {
  const guarded = new Set([options.loginTarget, ...options.guardedPaths].map((p) => normalizePath(p)!));
  return { guarded: [...guarded], loginPage: normalizePath(options.loginPage)!, own: (options.ownPaths ?? []).map((p) => normalizePath(p)!) };
}

export function classify(target: string, table: RouteTable): Route {
  const path = normalizePath(target);
  if (path === undefined) return 'bad_target';
  if (isUnder(path, table.guarded)) return 'guarded';
  if (path === '/mfa' || path.startsWith('/mfa/') || OWN_PATHS.has(path) || isUnder(path, table.own ?? [])) return 'own';
  if (path === table.loginPage) return 'login_page';
  return 'pass';
}
