import type { IncomingHttpHeaders } from 'node:http';

// Headers some servers read as the request's path instead of its request line: IIS's URL Rewrite
// (X-Original-URL) and ISAPI_Rewrite (X-Rewrite-URL), which Symfony and Laminas believe too; the
// original URI that nginx's auth_request, Traefik and Envoy pass on; Spring's and ASP.NET's path
// prefix. A gateway behind factorgate that believes one would act on a path the guard never
// judged (`GET /` with `X-Original-URL: /cgi/login`), so a request carrying any of them is
// refused as ambiguous, before any routing. CGI and PHP read "_" in a header's name as "-", so
// both spellings count. No browser sends these; a proxy in front of factorgate must not either.

/** Lower case, with "-"; `factorgate edge` refuses the same names. */
export const TARGET_OVERRIDE_HEADERS: readonly string[] = [
  'x-original-url',
  'x-rewrite-url',
  'x-override-url',
  'x-original-uri',
  'x-forwarded-uri',
  'x-forwarded-path',
  'x-forwarded-prefix',
  'x-envoy-original-path',
  'x-http-destinationurl',
  'x-proxy-url',
];

const OVERRIDING: ReadonlySet<string> = new Set(TARGET_OVERRIDE_HEADERS);

/** The first header of the request (any value, empty too) that names a target of its own, as listed above; undefined when none. */
export function targetOverrideHeader(headers: IncomingHttpHeaders): string | undefined {
  for (const name in headers) {
    if (name.charCodeAt(0) !== 0x78) continue; // every one starts with "x"
    const spelled = name.replace(/_/g, '-');
    if (OVERRIDING.has(spelled)) return spelled;
  }
  return undefined;
}
