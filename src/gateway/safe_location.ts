/** Longer than any path a gateway sends after a login; a longer one is not followed. */
const MAX_LOCATION_CHARS = 2048;

/**
 * The Location factorgate may send a browser, made from one that came from outside: a path on
 * factorgate's own origin, else `/`. It must start with exactly one slash (`//host` and `/\host`
 * name another origin to a browser) and hold no backslash or control character anywhere (browsers
 * read `\` as `/` and drop tabs and newlines, so `/\t/host` would become `//host`).
 */
export function safeLocation(location: unknown): string {
  if (typeof location !== 'string' || location.length > MAX_LOCATION_CHARS) return '/';
  return /^\/(?![/\\])[^\\\p{Cc}]*$/u.test(location) ? location : '/';
}
