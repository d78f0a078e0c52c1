// `factorgate edge haproxy`: the edge's rules (rules.ts) written as a whole haproxy.cfg. Each
// subject's rules are one regular expression in one ACL; a refusal is named in a transaction
// variable, answered with factorgate's page and logged as one JSON line, its reason worked out
// rule by rule only then. The rest goes to factorgate or to the gateway, whose target HAProxy
// forwards as it came.

import { pcreAlternation, type EdgePattern, type Subject } from './rules.js';
import { headerComment, type EdgeSetup, type Upstream } from './setup.js';

// HAProxy's `path` is the raw path, without the query; `url` the whole target as it came.
const SUBJECT_FETCH: Record<Subject, string> = { target: 'url', path: 'path', decoded: 'path,url_dec' };

/** A pattern in a single-quoted HAProxy word, where nothing is interpreted (and a quote cannot be written). */
function single(text: string): string {
  if (text.includes("'")) throw new Error(`not writable in HAProxy: ${text}`);
  return `'${text}'`;
}

const condition = (p: EdgePattern) => `{ ${SUBJECT_FETCH[p.on]} -m reg${p.caseless ? ' -i' : ''} ${single(p.pattern)} }`;

/** An ACL true when any pattern matches: one line, and one regular expression, per subject. */
function acl(name: string, patterns: readonly EdgePattern[]): string[] {
  return (['target', 'path', 'decoded'] as const).filter((s) => patterns.some((p) => p.on === s)).map((subject) => {
    const mine = patterns.filter((p) => p.on === subject);
    return `    acl ${name} ${SUBJECT_FETCH[subject]} -m reg ${single(pcreAlternation(mine))}`;
  });
}

function server(name: string, u: Upstream): string {
  const host = u.host.includes(':') ? `[${u.host}]` : u.host;
  // The upstream's certificate is checked against the system CAs and its name.
  const tls = u.scheme === 'https' ? ` ssl verify required ca-file @system-ca sni str(${u.host}) verifyhost ${u.host}` : '';
  return `    server ${name} ${host}:${u.port}${tls}`;
}

function refusal(status: number, event: string, page: string): string {
  return `    http-request return status ${status} content-type "text/html; charset=utf-8" hdr Cache-Control no-store hdr X-Content-Type-Options nosniff hdr Connection close string ${single(page)} if { var(txn.fg_event) -m str ${event} }`;
}

export function haproxyConfig(setup: EdgeSetup): string {
  const { rules } = setup;
  const bind = `${setup.listen.address ?? '*'}:${setup.listen.port}`;
  const tls = setup.tls ? ` ssl crt ${setup.tls.certificate} alpn h2,http/1.1` : '';
  const log = setup.log ?? '/dev/log local0';
  const lines = [
    ...headerComment('HAProxy', 'haproxy', setup, 'its target as the client sent it'),
    `# Each refusal is logged as one JSON line (never the query string, which may hold a password) to ${log};`,
    '# the page the browser gets says to sign in through the login page. Other requests are not logged.',
    '#',
    '# Install (Debian): save this as /etc/haproxy/haproxy.cfg (keep your own global settings: user, group, chroot,',
    '# stats socket), then `haproxy -c -f /etc/haproxy/haproxy.cfg && systemctl reload haproxy`.',
    `# factorgate believes X-Forwarded-For only from its trustProxy (${setup.trustProxy.join(', ')}): that must be`,
    '# the address this proxy connects to factorgate from. Let the gateway take logins from factorgate only',
    '# (SECURITY.md, "Make the gateway accept logins only from factorgate").',
    '',
    'global',
    `    log ${log}`,
    '',
    'defaults',
    '    mode http',
    '    log global',
    '    timeout connect 5s',
    '    timeout http-request 20s',
    '    timeout http-keep-alive 5s',
    '    timeout client 65s',
    '    timeout server 65s',
    '    # Idle WebSockets and long polls stay open for an hour.',
    '    timeout tunnel 1h',
    '',
    'frontend factorgate_edge',
    `    bind ${bind}${tls}`,
    ...(setup.tls ? [] : ['    # Plain HTTP: put TLS in front, or generate with --certificate (one PEM file with the key).']),
    '    log-format \'{"time":"%t","event":"%[var(txn.fg_event)]","reason":"%[var(txn.fg_reason)]","method":"%HM","path":"%[var(txn.fg_log_path),json(utf8s)]","clientIp":"%ci","status":%ST,"edge":"haproxy"}\'',
    '    # Requests HAProxy\'s own parser refuses (a literal "#", bytes no browser sends) get its own 400 page',
    '    # and a log line with method <BADREQ>.',
    '',
    '    # 0: headers some servers read as the request\'s path instead of its request line (IIS\'s X-Original-URL and the',
    '    # like), spelled with "-" or "_" (CGI and PHP read "_" as "-"), empty ones too: refused like (1).',
    `    acl fg_target_header req.hdrs -m reg -i ${single(`(?m)^(?:${rules.targetHeaders.map((name) => name.replace(/-/g, '[-_]')).join('|')})[\\t ]*:`)}`,
    ...rules.ambiguous.map((r) => `    # 1: ${r.why}`),
    ...acl('fg_ambiguous', rules.ambiguous),
    ...rules.guarded.map((r) => `    # 2: ${r.why} (read from the decoded path once (1) has passed: caseless, with ";params", empty segments and trailing dots and spaces allowed for)`),
    ...acl('fg_guarded', rules.guarded),
    ...rules.toFactorgate.map((r) => `    # 3: ${r.why}`),
    ...acl('fg_to_factorgate', rules.toFactorgate),
    '',
    '    # 0 and 1. Headers that name a path, and targets servers could read two ways: refused with 400.',
    '    http-request set-var(txn.fg_event) str(ambiguous_target) if fg_target_header',
    '    http-request set-var(txn.fg_reason) str(target_override_header) if fg_target_header',
    '    http-request set-var(txn.fg_event) str(ambiguous_target) if fg_ambiguous',
    '    # 2. The gateway\'s login targets: refused with 403.',
    '    http-request set-var(txn.fg_event) str(guarded_target_refused) if !{ var(txn.fg_event) -m found } fg_guarded',
    '',
    '    # For the log of a refusal only: the reason factorgate would give, and at most 256 bytes of the raw path.',
    ...rules.ambiguous.map((r) => `    http-request set-var(txn.fg_reason) str(${r.reason}) if { var(txn.fg_event) -m str ambiguous_target } !{ var(txn.fg_reason) -m found } ${condition(r)}`),
    '    http-request set-var(txn.fg_log_path) path,bytes(0,256) if { var(txn.fg_event) -m found }',
    '    http-request set-log-level silent unless { var(txn.fg_event) -m found }',
    refusal(400, 'ambiguous_target', setup.pages.ambiguous),
    refusal(403, 'guarded_target_refused', setup.pages.guarded),
    '',
    '    # The client\'s address, replacing whatever the client claimed: factorgate believes it from this proxy only (trustProxy).',
    '    http-request set-header X-Forwarded-For %[src]',
    '    http-request set-header X-Forwarded-Host %[req.hdr(host)]',
    '    http-request set-header X-Forwarded-Proto https if { ssl_fc }',
    '    http-request set-header X-Forwarded-Proto http unless { ssl_fc }',
    '    http-request set-header X-Forwarded-Port %[dst_port]',
    '    http-request del-header Forwarded',
    '    # Only factorgate\'s replay carries the shared secret header; no client may send one on.',
    `    http-request del-header ${setup.secretHeaderName}`,
    '    # WebSockets upgrade, and nothing else: an upgrade to another protocol the gateway accepts (h2c) would leave',
    '    # the client a connection straight to the gateway, past every rule here, so its Upgrade is not sent on.',
    '    http-request del-header Upgrade if { req.fhdr_cnt(upgrade) gt 1 } or { req.fhdr(upgrade) -m found } !{ req.fhdr(upgrade) -m str -i websocket }',
    '',
    '    # An absolute-form target goes on in origin form, the path and query it was judged by.',
    '    http-request set-uri %[pathq] if { url -m reg -i ^https?:// }',
    '',
    '    # 3. What factorgate must see; everything else goes to the gateway.',
    '    use_backend fg_factorgate if fg_to_factorgate',
    '    default_backend fg_gateway',
    '',
    `# The gateway (gateway.url ${setup.gateway.url}).`,
    'backend fg_gateway',
    server('gateway', setup.gateway),
    '',
    `# factorgate (${setup.factorgate.url}).`,
    'backend fg_factorgate',
    server('factorgate', setup.factorgate),
    '',
  ];
  return lines.join('\n');
}
