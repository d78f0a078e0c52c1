import { Cookie } from 'tough-cookie';
import type { Logger } from '../log.js';

// factorgate's own cookies (ownCookieNames) are between factorgate and the browser: the gateway is
// never sent them, and may not set them either. A page behind the gateway that set a DeviceKey or
// an authkey would plant a cookie factorgate reads as its own.

/**
 * The Cookie header without the named cookies (undefined when nothing is left), each other pair
 * byte for byte as it came. Only split when a name occurs in it at all. Not the cookie package:
 * its parse decodes values and drops duplicates, so what is kept could not be passed on unchanged.
 */
export function withoutCookies(header: string, names: readonly string[]): string | undefined {
  if (!names.some((name) => header.includes(name))) return header;
  const pairs = header.split(';');
  const kept = pairs.filter((pair) => !names.includes(pair.split('=', 1)[0]!.trim()));
  if (kept.length === pairs.length) return header;
  const rest = kept.join(';').trim();
  return rest === '' ? undefined : rest;
}

/**
 * The gateway's Set-Cookie lines without those that set one of the named cookies, and the names
 * dropped. A line is read by tough-cookie, as the replay reads the gateway's cookies, and only
 * when a name occurs in it at all; a line that names one but cannot be read is dropped too, since
 * a browser might read it as that cookie.
 */
export function withoutOwnSetCookies(lines: readonly string[], names: readonly string[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = [];
  const dropped: string[] = [];
  for (const line of lines) {
    const named = names.find((name) => line.includes(name));
    if (named === undefined) {
      kept.push(line);
      continue;
    }
    const key = Cookie.parse(line, { loose: true })?.key;
    if (key === undefined) dropped.push(named);
    else if (names.includes(key)) dropped.push(key);
    else kept.push(line);
  }
  return { kept, dropped };
}

/** The gateway's Set-Cookie lines that may reach the browser; one warning names any dropped (`path`: what the gateway answered). */
export function screenGatewaySetCookies(lines: readonly string[], names: readonly string[], logger: Logger | undefined, path: string): string[] {
  const { kept, dropped } = withoutOwnSetCookies(lines, names);
  if (dropped.length > 0) logger?.warn({ event: 'gateway_cookie_dropped', cookies: dropped, path: path.slice(0, 256) }, 'the gateway set a cookie named as one of factorgate\'s own; not passed on');
  return kept;
}
