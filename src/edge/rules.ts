// What a proxy in front of factorgate (edge mode) must do with each request, as regular
// expressions both nginx and HAProxy run (PCRE), derived from factorgate's configuration and from
// the pieces request_target.ts refuses. The edge judges one reading of the target and forwards
// the target as it came, so it refuses first whatever could be read two ways (400); what is left
// has no escaped separators, dots or "%", no dot segments and no "\", so its decoded path is the
// path every server reads, up to case, ";params", empty segments and Windows' trailing dots and
// spaces and ":stream", which the patterns below allow for. A target with escapes of non-ASCII
// bytes goes to factorgate, whose guard also reads NFKC and Unicode case mappings.

import type { Config } from '../config/schema.js';
import { OWN_COOKIE_PATHS, routeTable } from '../proxy/guard.js';
import { TARGET_OVERRIDE_HEADERS } from '../proxy/target_headers.js';
import { OPS_PATHS, ownPortalPaths } from '../http/paths.js';
import {
  ABSOLUTE_FORM_AUTHORITY,
  ABSOLUTE_FORM_SCHEMES,
  CONTROL_BYTE_RANGES,
  NON_ASCII_BYTE_RANGE,
  REFUSED_ESCAPED_CHARACTERS,
  REFUSED_LITERAL_IN_PATH,
  REFUSED_PATH_PREFIX,
  type RefusalReason,
} from '../proxy/request_target.js';

/**
 * What a pattern is matched against: `target`, the request target as it came; `path`, its raw
 * path (up to the first "?"); `decoded`, that path percent-decoded (nginx's $uri, HAProxy's
 * `path,url_dec`), matched only once every refusal has passed.
 */
export type Subject = 'target' | 'path' | 'decoded';

export type EdgePattern = { on: Subject; pattern: string; caseless: boolean; why: string };
export type EdgeRefusal = EdgePattern & { reason: RefusalReason };

export type EdgeRules = {
  /** 400 ambiguous_target (target_override_header): headers some servers read as the path, lower case with "-"; "_" for "-" counts too. */
  targetHeaders: readonly string[];
  /** 400 ambiguous_target, the first match naming the reason. */
  ambiguous: readonly EdgeRefusal[];
  /** 403 guarded_target_refused: a guarded path, or below one, in any spelling. */
  guarded: readonly EdgePattern[];
  /** Sent to factorgate; everything else goes straight to the gateway. */
  toFactorgate: readonly EdgePattern[];
};

const hex = (code: number) => code.toString(16).padStart(2, '0');
const byteEscape = (code: number) => `\\x${hex(code)}`;

/** A character class of byte ranges: [\x00-\x1f\x7f]. */
function byteClass(ranges: ReadonlyArray<readonly [number, number]>): string {
  return `[${ranges.map(([from, to]) => (from === to ? byteEscape(from) : `${byteEscape(from)}-${byteEscape(to)}`)).join('')}]`;
}

/** The percent-escapes of these bytes, as an alternation of their two hex digits (matched caseless). */
function escapesOf(codes: readonly number[]): string {
  const byHigh = new Map<string, string[]>();
  for (const code of [...new Set(codes)].sort((a, b) => a - b)) {
    const [high, low] = hex(code);
    byHigh.set(high!, [...(byHigh.get(high!) ?? []), low!]);
  }
  const parts = [...byHigh].map(([high, lows]) => (lows.length === 16 ? `${high}[0-9a-f]` : lows.length === 1 ? `${high}${lows[0]}` : `${high}[${lows.join('')}]`));
  return `%(?:${parts.join('|')})`;
}

const codesIn = (ranges: ReadonlyArray<readonly [number, number]>) =>
  ranges.flatMap(([from, to]) => Array.from({ length: to - from + 1 }, (_, i) => from + i));

/**
 * The patterns as one PCRE alternation: nginx and HAProxy then run one regular expression where
 * they would run one per rule, which is most of what the edge adds to a request's cost. Caseless
 * ones are scoped with PCRE's (?i), which JavaScript's RegExp does not read (the rules' own
 * test takes them one by one).
 */
export function pcreAlternation(patterns: readonly EdgePattern[]): string {
  return patterns.map((p) => `(?:${p.caseless ? '(?i)' : ''}${p.pattern})`).join('|');
}

/** A literal piece of a path in a pattern: letters, digits, "_", "-" and "/" as they are, "." as "\.", every other byte escaped (UTF-8). */
function literal(text: string): string {
  return [...Buffer.from(text, 'utf8')].map((byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9_/-]/.test(char) ? char : char === '.' ? '\\.' : byteEscape(byte);
  }).join('');
}

// A segment no reading keeps: empty, spaces (trimmed away), or ";params" or ":stream" alone (cut per segment).
const DROPPED_SEGMENT = '(?:/\\x20*(?:[:;][^/]*)?)';
// Around a segment's name: spaces before it (trimmed), dots and spaces after it (Windows),
// ";params" (Tomcat) or ":stream" (Windows' NTFS: "login::$DATA" is the file "login").
const named = (segment: string) => `/\\x20*${literal(segment)}[.\\x20]*(?:[:;][^/]*)?`;

/**
 * A decoded path that reads as `reading` (lower case, decoded, no empty segments: a guard
 * reading), with `below` also every path under it; matched caseless.
 */
export function readingPattern(reading: string, below: boolean): string {
  const segments = reading.split('/').filter((s) => s !== '');
  const body = segments.map((segment) => `${DROPPED_SEGMENT}*${named(segment)}`).join('');
  return `^${body}${below ? '(?:/|$)' : `${DROPPED_SEGMENT}*$`}`;
}

/** A raw path a browser sends a cookie of this Path with (RFC 6265 5.1.4): case-sensitive. */
function cookiePathPattern(cookiePath: string): string {
  return `^${literal(cookiePath)}${cookiePath.endsWith('/') ? '' : '(?:/|$)'}`;
}

// request_target.ts's ABSOLUTE_FORM_AUTHORITY, with the port in range (there, new URL() checks it).
const HOST = /^\^\(\?:(.*)\)\(\?::\\d\{1,5\}\)\?\$$/.exec(ABSOLUTE_FORM_AUTHORITY.source)?.[1];
if (HOST === undefined) throw new Error('ABSOLUTE_FORM_AUTHORITY changed shape: write its host part for the edge again');
const PORT = '(?::(?:6553[0-5]|655[0-2]\\d|65[0-4]\\d{2}|6[0-4]\\d{3}|[0-5]?\\d{1,4}))?';
const AUTHORITY = `(?:${HOST})${PORT}`;

/** The rules for factorgate's configuration: its guarded paths, login page and own paths. */
export function edgeRules(config: Pick<Config, 'gateway' | 'otp' | 'admin'>): EdgeRules {
  const table = routeTable({ ...config.gateway, ownPaths: ownPortalPaths(config) });
  const refusedLiterals = Object.entries(REFUSED_LITERAL_IN_PATH).map(([char, reason]): EdgeRefusal => ({
    on: 'path', pattern: byteEscape(char.charCodeAt(0)), caseless: false, reason, why: `a literal ${char} in the path`,
  }));
  const escaped = [...REFUSED_ESCAPED_CHARACTERS.map((c) => c.charCodeAt(0)), ...codesIn(CONTROL_BYTE_RANGES)];
  return {
    targetHeaders: TARGET_OVERRIDE_HEADERS,
    ambiguous: [
      { on: 'target', pattern: byteClass(CONTROL_BYTE_RANGES), caseless: false, reason: 'control_character', why: 'a control byte' },
      { on: 'target', pattern: byteClass([NON_ASCII_BYTE_RANGE]), caseless: false, reason: 'non_ascii', why: 'a byte above 0x7F not percent-encoded' },
      { on: 'target', pattern: `^(?!/|(?:${ABSOLUTE_FORM_SCHEMES.join('|')})://)`, caseless: true, reason: 'not_origin_form', why: 'neither a path nor an http(s) URL ("*" too)' },
      { on: 'target', pattern: `^[a-z]+://(?!${AUTHORITY}(?:[/?]|$))`, caseless: true, reason: 'unreadable_absolute_form', why: 'a URL whose host and port are not plain' },
      ...refusedLiterals,
      { on: 'path', pattern: `^${literal(REFUSED_PATH_PREFIX)}`, caseless: false, reason: 'network_path', why: 'a path starting with "//" (read as another host)' },
      { on: 'path', pattern: '%(?![0-9a-f]{2})', caseless: true, reason: 'bad_escape', why: 'a "%" without two hex digits' },
      { on: 'path', pattern: escapesOf(escaped), caseless: true, reason: 'escaped_character', why: 'an escaped / \\ ? # ; . % or control byte' },
      // request_target.ts's DOT_SEGMENT in every reading: spaces, a dot, dots and spaces, then ";params" or ":stream" or not.
      { on: 'path', pattern: '/(?:\\x20|%20)*\\.(?:[.\\x20]|%20)*(?:[:;][^/]*)?(?:/|$)', caseless: false, reason: 'dot_segment', why: 'a dot segment (".", "..", "..;x", "..::$DATA", " .. ")' },
    ],
    guarded: table.guarded.map((reading) => ({ on: 'decoded', pattern: readingPattern(reading, true), caseless: true, why: `${reading} and below` })),
    toFactorgate: [
      ...OWN_COOKIE_PATHS.map((path) => ({ on: 'path' as const, pattern: cookiePathPattern(path), caseless: false, why: `${path}: factorgate's cookies go with it` })),
      // The refusal note for browsers without the script (fg_retry) is scoped to the login page, so
      // a browser also sends it below that path: factorgate passes those on without its cookies.
      { on: 'path', pattern: cookiePathPattern(config.gateway.loginPage), caseless: false, why: `${config.gateway.loginPage} and below: factorgate's refusal note goes with it` },
      ...table.own.map((reading) => ({ on: 'decoded' as const, pattern: readingPattern(reading, true), caseless: true, why: `${reading}: factorgate's pages` })),
      ...OPS_PATHS.map((path) => ({ on: 'decoded' as const, pattern: readingPattern(path, false), caseless: true, why: `${path}: factorgate's health and metrics` })),
      ...table.loginPageReadings.map((reading) => ({ on: 'decoded' as const, pattern: readingPattern(reading, false), caseless: true, why: `${reading}: the login page, with factorgate's script` })),
      { on: 'path', pattern: '%[89a-f][0-9a-f]', caseless: true, why: 'escapes of non-ASCII bytes: factorgate also reads NFKC and Unicode case' },
    ],
  };
}
