// How factorgate reads a request target, and which targets it refuses. The front door forwards a
// target exactly as it came (an absolute-form one in origin form), so whatever the guard decides
// must hold for every way the gateway might read those same bytes. Some readings can be listed
// and are all judged: ";params" kept, stripped per segment or cut from the first ";", either
// case, NFKC, Windows' trailing dots and spaces and its ":stream" after a name. Where readings could differ past listing
// (escaped separators, dot segments, double encoding, overlong UTF-8, "\"), the target is refused.
// The refused pieces are named constants, so that nginx or HAProxy can be made to refuse the same.

/** Control bytes (0x00-0x1F and 0x7F): refused written as they are and as percent-escapes. */
export const CONTROL_BYTE_RANGES: ReadonlyArray<readonly [number, number]> = [[0x00, 0x1f], [0x7f, 0x7f]];

/**
 * Characters a percent-escape may not stand for. Decoded, the separators and the dot change where
 * segments begin and end, or make dot segments, only for servers that decode before they split;
 * an escaped "%" is a second round of decoding that some servers make and others do not.
 */
export const REFUSED_ESCAPED_CHARACTERS: readonly string[] = ['/', '\\', '?', '#', ';', '.', '%'];

/**
 * Bytes above 0x7F written as they are (not percent-encoded): not allowed in a URI (RFC 3986), and
 * servers read them as UTF-8, Latin-1 or overlong forms alike. Browsers always escape them.
 */
export const NON_ASCII_BYTE_RANGE: readonly [number, number] = [0x80, 0xff];

/**
 * Characters never written as they are in the path (before the first "?"), with the reason
 * logged: many servers read "\" as "/", and browsers never send a fragment. (A query passes as
 * it is: browsers send "\" there unescaped, and no server finds a path in it.)
 */
export const REFUSED_LITERAL_IN_PATH: Readonly<Record<string, RefusalReason>> = { '\\': 'backslash', '#': 'fragment' };

/** A path may not start with this: URL parsers read "//host/x" as the path "/x" on another host. */
export const REFUSED_PATH_PREFIX = '//';

/**
 * Segments no reading of the path may contain: "." and "..", also once ";..." is stripped
 * (Tomcat's "..;") and with spaces around them; and a segment of dots alone ("..."), which
 * Windows trims to nothing.
 */
export const DOT_SEGMENT = /^\s*\.[.\s]*$/;

/** Schemes of an absolute-form target (RFC 9112 3.2.2); its path and query are forwarded in origin form. */
export const ABSOLUTE_FORM_SCHEMES: readonly string[] = ['http', 'https'];

/** An absolute-form authority: a host name, IPv4 or bracketed IPv6 address, and a port; no user information. */
export const ABSOLUTE_FORM_AUTHORITY = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

export type RefusalReason =
  | 'control_character'
  | 'backslash'
  | 'non_ascii'
  | 'not_origin_form'
  | 'unreadable_absolute_form'
  | 'fragment'
  | 'network_path'
  | 'bad_escape'
  | 'escaped_character'
  | 'invalid_utf8'
  | 'compatibility_character'
  | 'dot_segment';

export type TargetReading =
  | { ok: true; form: 'asterisk' }
  | {
      ok: true;
      form: 'origin';
      /** What is forwarded: the target as it came, or the origin form of an absolute-form one. */
      target: string;
      /** The raw path of `target`: up to its first "?". */
      path: string;
      /** Every reading of the path a server may make, decoded, lower-case, without empty segments. */
      readings: readonly string[];
    }
  | { ok: false; reason: RefusalReason };

const inRanges = (code: number) => CONTROL_BYTE_RANGES.some(([from, to]) => code >= from && code <= to);
const unicodeEscape = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const CONTROL_LITERAL = new RegExp(`[${CONTROL_BYTE_RANGES.map(([from, to]) => `${unicodeEscape(from)}-${unicodeEscape(to)}`).join('')}]`);
const NON_ASCII_LITERAL = new RegExp(`[${unicodeEscape(NON_ASCII_BYTE_RANGE[0])}-\\uffff]`);
const REFUSED_ESCAPED_CODES = new Set(REFUSED_ESCAPED_CHARACTERS.map((c) => c.charCodeAt(0)));
const ESCAPE = /%([0-9A-Fa-f]{2})/g;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const ABSOLUTE_FORM = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

/** How factorgate reads `target` (a request line's target as Node gives it: one char per byte). */
export function readTarget(target: string): TargetReading {
  if (target === '*') return { ok: true, form: 'asterisk' };
  const literal = refusedLiteral(target);
  if (literal) return { ok: false, reason: literal };
  const origin = originForm(target);
  if (typeof origin !== 'string') return { ok: false, reason: origin.refused };
  const queryAt = origin.indexOf('?');
  const path = queryAt === -1 ? origin : origin.slice(0, queryAt);
  for (const [char, reason] of Object.entries(REFUSED_LITERAL_IN_PATH)) {
    if (path.includes(char)) return { ok: false, reason };
  }
  if (path.startsWith(REFUSED_PATH_PREFIX)) return { ok: false, reason: 'network_path' };
  const decoded = decodePath(path);
  if (typeof decoded !== 'string') return { ok: false, reason: decoded.refused };
  const readings = readingsOf(decoded);
  if (!readings) return { ok: false, reason: 'dot_segment' };
  return { ok: true, form: 'origin', target: origin, path, readings };
}

type Refused = { refused: RefusalReason };

function refusedLiteral(target: string): RefusalReason | undefined {
  if (CONTROL_LITERAL.test(target)) return 'control_character';
  return NON_ASCII_LITERAL.test(target) ? 'non_ascii' : undefined;
}

/** The target in origin form: itself when it starts with "/", else the path and query of an absolute-form target. */
function originForm(target: string): string | Refused {
  if (target.startsWith('/')) return target;
  const absolute = ABSOLUTE_FORM.exec(target);
  if (!absolute || !ABSOLUTE_FORM_SCHEMES.includes(absolute[1]!.toLowerCase())) return { refused: 'not_origin_form' };
  if (!ABSOLUTE_FORM_AUTHORITY.test(absolute[2]!)) return { refused: 'unreadable_absolute_form' };
  try {
    new URL(target); // a port out of range, a malformed IPv6 address
  } catch {
    return { refused: 'unreadable_absolute_form' };
  }
  const rest = absolute[3]!;
  return rest.startsWith('/') ? rest : `/${rest}`;
}

/** The path percent-decoded once, when every escape stands for a character that decodes the same for every server. */
function decodePath(path: string): string | Refused {
  if (!path.includes('%')) return path;
  if (BAD_ESCAPE.test(path)) return { refused: 'bad_escape' };
  for (const [, hex] of path.matchAll(ESCAPE)) {
    const code = parseInt(hex!, 16);
    if (inRanges(code) || REFUSED_ESCAPED_CODES.has(code)) return { refused: 'escaped_character' };
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(path); // refuses invalid and overlong UTF-8
  } catch {
    return { refused: 'invalid_utf8' };
  }
  // A compatibility character a lenient server normalises (NFKC) into a refused one: "／", "．", "＼", "‥", "℀".
  for (const char of decoded) {
    if (char.charCodeAt(0) > 0x7f && refusedAfterNfkc(char.normalize('NFKC'))) return { refused: 'compatibility_character' };
  }
  return decoded;
}

function refusedAfterNfkc(text: string): boolean {
  for (const char of text) {
    if (inRanges(char.charCodeAt(0)) || REFUSED_ESCAPED_CHARACTERS.includes(char)) return true;
  }
  return false;
}

/** Windows drops trailing dots and spaces from a name; many servers trim spaces around it. */
const trimmed = (segment: string) => segment.trim().replace(/[.\s]+$/, '');
/** A segment (or the part before its ";" or ":") that trimmed() would change. */
const TRIMMABLE = /[.\s](?:[/;:]|$)|\/\s/;

const NON_ASCII = /[\u0080-\uffff]/;
/** Accents and other marks dropped: "İ" lower-cases to "i" plus a dot above, which Java's simple mapping leaves out. */
const withoutMarks = (path: string) => path.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

/** Every reading of a decoded path, or undefined when one of them holds a dot segment. */
function readingsOf(decoded: string): string[] | undefined {
  // The common case is cheap: ASCII needs neither NFKC nor the other case mappings, and
  // without ";" the three ways of reading ";params" are one (without ":", its two are one).
  const ascii = !NON_ASCII.test(decoded);
  const readings = new Set<string>();
  for (const base of ascii ? [decoded] : new Set([decoded, decoded.normalize('NFKC')])) {
    const literal = base.split('/');
    const spellings = [literal];
    if (base.includes(';')) {
      spellings.push(literal.map((s) => s.split(';', 1)[0]!)); // Tomcat: ";..." up to the next "/"
      spellings.push(base.split(';', 1)[0]!.split('/')); // ";..." to the end of the path
    }
    // Windows (NTFS): "name::$DATA" and "dir::$INDEX_ALLOCATION" are the file and the directory "name".
    if (base.includes(':')) spellings.push(...spellings.map((segments) => segments.map((s) => s.split(':', 1)[0]!)));
    if (TRIMMABLE.test(base)) spellings.push(...spellings.map((segments) => segments.map(trimmed)));
    for (const segments of spellings) {
      const path = '/' + segments.filter((s) => s !== '').join('/');
      if (ascii) {
        readings.add(path.toLowerCase());
        continue;
      }
      // Case-insensitive both ways: Java's equalsIgnoreCase also takes "ı" for "i", through "I".
      for (const cased of [path.toLowerCase(), path.toUpperCase().toLowerCase()]) {
        readings.add(cased);
        readings.add(withoutMarks(cased));
      }
    }
  }
  for (const reading of readings) {
    if (reading.split('/').some((s) => DOT_SEGMENT.test(s))) return undefined;
  }
  return [...readings];
}
