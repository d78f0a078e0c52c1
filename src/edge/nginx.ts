// `factorgate edge nginx`: the edge's rules (rules.ts) written as an nginx configuration for the
// http {} context. Refusals and the choice of upstream are made in the server's rewrite phase,
// before any location, from maps over the raw target ($request_uri), its raw path and the decoded
// path ($uri), each subject's rules joined into one regular expression; the gateway's traffic then
// takes a location with a fixed proxy_pass and no URI part, which nginx forwards with the target
// exactly as the client sent it. The reason a refusal is logged under is worked out only for
// refused requests, rule by rule.

import { pcreAlternation, type EdgePattern, type Subject } from './rules.js';
import { headerComment, type EdgeSetup, type Upstream } from './setup.js';

const SUBJECT_VARIABLE: Record<Subject, string> = { target: '$request_uri', path: '$fg_path', decoded: '$uri' };

/** Internal locations the server's rewrites lead to; a client asking for one gets 404. */
const INTERNAL = { factorgate: '/.factorgate-edge/factorgate', ambiguous: '/.factorgate-edge/ambiguous', guarded: '/.factorgate-edge/guarded' } as const;

/** A regex in a double-quoted nginx string: nginx would rewrite \\ \" \' \t \r \n inside one. */
function quotedRegex(pattern: string, caseless = false): string {
  if (/["]|\\["'\\trn]/.test(pattern)) throw new Error(`pattern not writable in nginx: ${pattern}`);
  return `"${caseless ? '~*' : '~'}${pattern}"`;
}

/** A page in a single-quoted nginx string; "$" would start a variable, so it becomes its character reference. */
function quotedPage(page: string): string {
  if (/['\\]/.test(page)) throw new Error('page not writable in nginx');
  return `'${page.replace(/\$/g, '&#36;')}'`;
}

const SUBJECTS = ['target', 'path', 'decoded'] as const;

/**
 * `name` is "1" when any pattern matches: one map per subject, the whole target's first, each
 * falling back to the next, and each one regular expression of all its subject's patterns.
 */
function anyOf(name: string, patterns: readonly EdgePattern[], why: string): string[] {
  const subjects = SUBJECTS.filter((s) => patterns.some((p) => p.on === s));
  const variable = (i: number) => (i === 0 ? name : `${name}_${subjects[i]}`);
  return subjects.flatMap((subject, i) => {
    const mine = patterns.filter((p) => p.on === subject);
    return [
      `# ${i === 0 ? why : `(${name}, continued)`}: ${mine.map((p) => p.why).join('; ')}.`,
      `map ${SUBJECT_VARIABLE[subject]} ${variable(i)} {`,
      `    ${quotedRegex(pcreAlternation(mine))} 1;`,
      `    default ${i === subjects.length - 1 ? '""' : variable(i + 1)};`,
      '}',
    ];
  });
}

/** `name` is the reason of the first pattern that matches, rule by rule (read only when a refusal is logged). */
function firstReason(name: string, patterns: ReadonlyArray<EdgePattern & { reason: string }>, otherwise: string): string[] {
  const subjects = SUBJECTS.filter((s) => patterns.some((p) => p.on === s));
  const variable = (i: number) => (i === 0 ? name : `${name}_${subjects[i]}`);
  return subjects.flatMap((subject, i) => [
    `map ${SUBJECT_VARIABLE[subject]} ${variable(i)} {`,
    ...patterns.filter((p) => p.on === subject).map((p) => `    ${quotedRegex(p.pattern, p.caseless)} ${p.reason};`),
    `    default ${i === subjects.length - 1 ? otherwise : variable(i + 1)};`,
    '}',
  ]);
}

function upstreamBlock(name: string, u: Upstream, idleSeconds: number, comment: string): string[] {
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  return [
    `# ${comment}`,
    `upstream ${name} {`,
    `    server ${host}:${u.port};`,
    '    keepalive 64;',
    `    keepalive_timeout ${idleSeconds}s;`,
    '}',
  ];
}

/** "x-original-url" as nginx's variable of that request header. */
const headerVariable = (name: string) => `$http_${name.replace(/-/g, '_')}`;

function proxyBasics(u: Upstream, secretHeaderName: string, targetHeaders: readonly string[]): string[] {
  return [
    '        proxy_http_version 1.1;',
    '        proxy_set_header Host $http_host;',
    '        proxy_set_header Connection $fg_connection;',
    '        proxy_set_header Upgrade $fg_upgrade;',
    '        # The client\'s address, replacing whatever the client claimed: factorgate believes it from this proxy only (trustProxy).',
    '        proxy_set_header X-Forwarded-For $remote_addr;',
    '        proxy_set_header X-Forwarded-Host $http_host;',
    '        proxy_set_header X-Forwarded-Proto $scheme;',
    '        proxy_set_header X-Forwarded-Port $server_port;',
    '        proxy_set_header Forwarded "";',
    '        # Only factorgate\'s replay carries the shared secret header; no client may send one on.',
    `        proxy_set_header ${secretHeaderName} "";`,
    '        # Headers some servers read as the path: one with a value was refused above; an empty one is not sent on.',
    ...targetHeaders.map((name) => `        proxy_set_header ${name} "";`),
    '        proxy_redirect off;',
    ...(u.scheme === 'https'
      ? [
        '        # The upstream\'s certificate is checked against the system CAs and its name; for a private CA,',
        '        # point proxy_ssl_trusted_certificate at it.',
        '        proxy_ssl_server_name on;',
        `        proxy_ssl_name ${u.host};`,
        '        proxy_ssl_verify on;',
        '        proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;',
      ]
      : []),
  ];
}

function refusalLocation(path: string, status: number, page: string, log: string, format: string): string[] {
  return [
    `    location = ${path} {`,
    '        internal;',
    `        access_log ${log} ${format};`,
    '        # The connection is closed after the refusal, as factorgate closes it.',
    '        keepalive_timeout 0;',
    '        default_type "text/html; charset=utf-8";',
    '        add_header Cache-Control no-store always;',
    '        add_header X-Content-Type-Options nosniff always;',
    `        return ${status} ${quotedPage(page)};`,
    '    }',
  ];
}

/** One JSON line per refusal: never the query string, at most 256 bytes of the path. */
function logFormat(name: string, event: string, reason: string): string[] {
  return [
    `log_format ${name} escape=json`,
    `    '{"time":"$time_iso8601","event":"${event}","reason":"${reason}","method":"$request_method",'`,
    '    \'"path":"$fg_log_path","clientIp":"$remote_addr","status":$status,"edge":"nginx"}\';',
  ];
}

export function nginxConfig(setup: EdgeSetup): string {
  const { rules } = setup;
  const listenAddress = setup.listen.address ? `${setup.listen.address}:${setup.listen.port}` : String(setup.listen.port);
  const log = setup.log ?? '/var/log/nginx/factorgate-edge.log';
  const gatewayUrl = `${setup.gateway.scheme}://fg_gateway`;
  const factorgateUrl = `${setup.factorgate.scheme}://fg_factorgate`;
  const lines = [
    ...headerComment('nginx', 'nginx', setup, 'its target byte for byte as the client sent it'),
    '# Each refusal writes one JSON line (never the query string, which may hold a password) to',
    `# ${log}; the page the browser gets says to sign in through the login page.`,
    '#',
    '# Install (Debian): save this as /etc/nginx/conf.d/factorgate-edge.conf (nginx.conf includes conf.d/*.conf',
    '# in http {}), then `nginx -t && systemctl reload nginx`. Put `pcre_jit on;` in nginx.conf\'s main context',
    '# (outside http {}): the regular expressions below then run compiled, as HAProxy runs them by default.',
    `# factorgate believes X-Forwarded-For only from its trustProxy (${setup.trustProxy.join(', ')}): that must be`,
    '# the address this proxy connects to factorgate from. Let the gateway take logins from factorgate only',
    '# (SECURITY.md, "Make the gateway accept logins only from factorgate").',
    '',
    '# The raw path: up to the first "?", and at most 256 bytes of it for the log.',
    'map $request_uri $fg_path { "~^(?<fg_raw_path>[^?]*)" $fg_raw_path; }',
    'map $request_uri $fg_log_path { "~^(?<fg_raw_log_path>[^?]{0,256})" $fg_raw_log_path; }',
    '',
    '# 0. Headers some servers read as the request\'s path instead of its request line (IIS\'s X-Original-URL and',
    '# the like): a request with one is refused like (1). Header names with "_" never get here (ignore_invalid_headers,',
    '# set in the server below), and an empty one is not sent on (proxy_set_header).',
    `map "${rules.targetHeaders.map(headerVariable).join('')}" $fg_target_header { "" ""; default 1; }`,
    '',
    ...anyOf('$fg_ambiguous', rules.ambiguous, '1. A target servers could read two ways'),
    '',
    ...anyOf('$fg_guarded', rules.guarded, '2. The gateway\'s login targets, read from the decoded path once (1) has passed: caseless, with ";params", empty segments and trailing dots and spaces allowed for'),
    '',
    ...anyOf('$fg_to_factorgate', rules.toFactorgate, '3. What factorgate must see'),
    '',
    '# The reason a refusal of (1) is logged under, the one factorgate would give; unreadable_request for',
    '# a request nginx itself could not read.',
    ...firstReason('$fg_reason', rules.ambiguous, 'unreadable_request'),
    'map $fg_target_header $fg_refusal_reason { 1 target_override_header; default $fg_reason; }',
    '',
    '# WebSockets upgrade, and nothing else: an upgrade to another protocol the gateway accepts (h2c) would leave',
    '# the client a connection straight to the gateway, past every rule here, so its Upgrade is not sent on.',
    '# Everything else keeps the upstream connection alive.',
    'map $http_upgrade $fg_upgrade { "~*^websocket$" websocket; default ""; }',
    'map $fg_upgrade $fg_connection { websocket upgrade; default ""; }',
    '',
    ...logFormat('factorgate_edge_ambiguous', 'ambiguous_target', '$fg_refusal_reason'),
    ...logFormat('factorgate_edge_guarded', 'guarded_target_refused', ''),
    '',
    ...upstreamBlock('fg_gateway', setup.gateway, setup.gatewayIdleSeconds, `The gateway (gateway.url ${setup.gateway.url}).`),
    '',
    ...upstreamBlock('fg_factorgate', setup.factorgate, setup.factorgateIdleSeconds, `factorgate (${setup.factorgate.url}); idle connections closed before factorgate closes them (listen.keepAliveSeconds).`),
    '',
    'server {',
    `    listen ${listenAddress}${setup.tls ? ' ssl http2' : ''};`,
    ...(setup.serverName ? [`    server_name ${setup.serverName};`] : []),
    ...(setup.tls
      ? [
        `    ssl_certificate ${setup.tls.certificate};`,
        `    ssl_certificate_key ${setup.tls.certificateKey ?? setup.tls.certificate};`,
      ]
      : ['    # Plain HTTP: put TLS in front, or generate with --certificate and --certificate-key.']),
    '    server_tokens off;',
    '    # Header names with "_" are dropped (nginx\'s default, kept here on purpose): CGI and PHP read "_" as "-", so',
    '    # X_Original_URL would be X-Original-URL to them. nginx takes these two from the default server of a port.',
    '    underscores_in_headers off;',
    '    ignore_invalid_headers on;',
    '',
    '    # Only refusals are logged (in their locations below). To log every request too, use a format',
    '    # without $request and $request_uri, which carry the query string.',
    '    access_log off;',
    '',
    '    # Bodies of any size, streamed to the gateway as they come, as factorgate passes them.',
    '    client_max_body_size 0;',
    '    proxy_request_buffering off;',
    '    # Idle WebSockets and long polls stay open for an hour.',
    '    proxy_read_timeout 1h;',
    '    proxy_send_timeout 1h;',
    '',
    '    # Refusals and factorgate\'s share, decided before any location; the rewrites keep the method, the body',
    '    # and $request_uri, and lead to the internal locations at the end.',
    `    if ($fg_target_header) { rewrite ^ ${INTERNAL.ambiguous} last; }`,
    `    if ($fg_ambiguous) { rewrite ^ ${INTERNAL.ambiguous} last; }`,
    `    if ($fg_guarded) { rewrite ^ ${INTERNAL.guarded} last; }`,
    `    if ($fg_to_factorgate) { rewrite ^ ${INTERNAL.factorgate} last; }`,
    '    # A request nginx itself cannot read (a target above the root, %00, "*") gets the same page.',
    `    error_page 400 ${INTERNAL.ambiguous};`,
    '',
    '    location / {',
    `        proxy_pass ${gatewayUrl};`,
    ...proxyBasics(setup.gateway, setup.secretHeaderName, rules.targetHeaders),
    '    }',
    '',
    '    # Reached only through the rewrites above ("internal"): the target goes to factorgate as it came.',
    `    location = ${INTERNAL.factorgate} {`,
    '        internal;',
    `        proxy_pass ${factorgateUrl}$request_uri;`,
    ...proxyBasics(setup.factorgate, setup.secretHeaderName, rules.targetHeaders),
    '    }',
    '',
    ...refusalLocation(INTERNAL.ambiguous, 400, setup.pages.ambiguous, log, 'factorgate_edge_ambiguous'),
    '',
    ...refusalLocation(INTERNAL.guarded, 403, setup.pages.guarded, log, 'factorgate_edge_guarded'),
    '}',
    '',
  ];
  return lines.join('\n');
}
