import express, { type Router } from 'express';
import { login, type LoginDeps } from './login_routes.js';

// The gateway simulator's lenientPaths mode: a backend that reads request paths as loosely as the
// worst real ones do, so tests can prove factorgate refuses every spelling such a backend would
// take for its login. Each reading below is one some server makes: Tomcat strips ";params" per
// segment and Jetty used to cut at the first ";", IIS decoded twice and took overlong UTF-8 for
// "/", Windows drops trailing dots and spaces and reads "name::$DATA" as "name", Java compares
// case-insensitively (where "ı" equals "I"), and any WHATWG URL parser turns "\" into "/" and
// "//host/x" into "/x".

/** One request as the lenient gateway received it, before any reading. */
export type SeenRequest = { method: string; target: string; cookie?: string };

/** Login paths of a NetScaler: the classic form target, and everything under nFactor's /nf/auth. */
const LOGIN_PATH = '/cgi/login';
const NFACTOR_BASE = '/nf/auth';

const MAX_DECODE_ROUNDS = 10;

// IIS 4/5 read these invalid, overlong UTF-8 forms as the ASCII characters they encode.
const OVERLONG: ReadonlyArray<[RegExp, string]> = [
  [/%c0%af|%e0%80%af/gi, '/'],
  [/%c0%ae|%e0%80%ae/gi, '.'],
  [/%c1%9c|%e0%81%9c/gi, '\\'],
];

/** Each run of escapes decoded as UTF-8 where it is valid, byte by byte where it is not. */
function decodeLeniently(path: string): string {
  let text = path;
  for (const [pattern, char] of OVERLONG) text = text.replace(pattern, char);
  return text.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1');
    }
  });
}

/** Decoded until nothing changes, NFKC-normalised, "\" as "/", cut at a (decoded) ? or #. */
function decodedPath(path: string): string {
  let text = path;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = decodeLeniently(text).normalize('NFKC').replace(/\\/g, '/');
    if (next === text) break;
    text = next;
  }
  return text.split(/[?#]/, 1)[0]!;
}

/** Dot segments resolved after decoding, empty segments dropped, Windows' trailing dots and spaces trimmed. */
function resolved(segments: readonly string[]): string {
  const out: string[] = [];
  for (const raw of segments) {
    const segment = raw.trim();
    if (segment === '' || segment === '.') continue;
    if (segment === '..') out.pop();
    else out.push(segment.replace(/[.\s]+$/, '') || '.');
  }
  return '/' + out.filter((s) => s !== '.').join('/');
}

/** Every path this gateway may take the target for. */
export function lenientReadings(target: string): string[] {
  const raw = target.split(/[?#]/, 1)[0]!;
  let whatwg = raw;
  try {
    whatwg = new URL(target, 'http://gateway.invalid').pathname;
  } catch {
    // unreadable to a URL parser: the other readings remain
  }
  const readings = new Set<string>();
  for (const base of [raw, whatwg]) {
    const path = decodedPath(base);
    readings.add(resolved(path.split('/').map((s) => s.split(';', 1)[0]!)));
    readings.add(resolved(path.split(';', 1)[0]!.split('/')));
    // Windows (NTFS): "login::$DATA" is the file "login", "cgi::$INDEX_ALLOCATION" the directory "cgi".
    readings.add(resolved(path.split('/').map((s) => s.split(':', 1)[0]!)));
  }
  return [...readings];
}

/** True when some reading of the target is the login path or lies under nFactor's, in any case. */
export function readsAsLogin(target: string): boolean {
  return lenientReadings(target).some((path) => [path.toLowerCase(), path.toUpperCase().toLowerCase()].some((p) =>
    p === LOGIN_PATH || p === NFACTOR_BASE || p.startsWith(NFACTOR_BASE + '/')));
}

/**
 * Headers such backends take for the request's path instead of its request line: IIS's URL
 * Rewrite and ISAPI_Rewrite, which Symfony and Laminas believe; the original URI nginx's
 * auth_request, Traefik and Envoy pass on; whole URLs some frameworks read; and a prefix put
 * before the path (Spring, ASP.NET). PHP and CGI read "_" in a header's name as "-".
 */
export const LENIENT_TARGET_HEADERS: Readonly<Record<string, 'path' | 'prefix'>> = {
  'x-original-url': 'path', 'x-rewrite-url': 'path', 'x-override-url': 'path', 'x-original-uri': 'path', 'x-forwarded-uri': 'path',
  'x-forwarded-path': 'path', 'x-envoy-original-path': 'path', 'x-http-destinationurl': 'path', 'x-proxy-url': 'path', 'x-forwarded-prefix': 'prefix',
};

/** The targets the request's headers name, as this gateway would act on them. */
function headerTargets(headers: Record<string, string | string[] | undefined>, target: string): string[] {
  return Object.entries(headers).flatMap(([name, value]) => {
    const kind = LENIENT_TARGET_HEADERS[name.replace(/_/g, '-')];
    if (kind === undefined || typeof value !== 'string' || value === '') return [];
    return [kind === 'prefix' ? value.replace(/\/+$/, '') + target : value];
  });
}

/**
 * Records every request, and serves the login handler (any method, body or none) for every
 * target that reads as a login path, the request line's or one its headers name. Mounted before
 * the simulator's other routes.
 */
export function lenientLoginRoutes(deps: LoginDeps, seen: (request: SeenRequest) => void): Router {
  const router = express.Router();
  router.use((req, _res, next) => {
    seen({ method: req.method, target: req.originalUrl, ...(req.headers.cookie === undefined ? {} : { cookie: req.headers.cookie }) });
    next();
  });
  router.use((req, res, next) => {
    if (![req.originalUrl, ...headerTargets(req.headers, req.originalUrl)].some(readsAsLogin)) return next();
    express.urlencoded({ extended: false, limit: '8kb' })(req, res, (err?: unknown) => (err ? next(err) : login(deps, req, res)));
  });
  return router;
}
