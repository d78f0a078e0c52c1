import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startChild, type Child } from '../lib/proc.js';
import { httpReady } from '../lib/net.js';
import { EDGE_COMMANDS } from '../../src/edge/run_edge.js';

// Debian's HAProxy as a reference proxy, the counterpart of nginx.ts: a plain configuration in a
// temp dir, 127.0.0.1 only, two threads, keep-alive to the upstream (HAProxy's default), the same
// X-Forwarded-* headers, no log. Stopped and removed after.

export type HaproxyOptions = { upstreamPort: number; port: number; threads: number; cpus?: string };

export function haproxyConfig(o: HaproxyOptions): string {
  return `global
    nbthread ${o.threads}
defaults
    mode http
    timeout connect 5s
    timeout client 65s
    timeout server 65s
    timeout http-keep-alive 65s
frontend plain
    bind 127.0.0.1:${o.port}
    option forwardfor
    http-request set-header X-Forwarded-Host %[req.hdr(host)]
    http-request set-header X-Forwarded-Proto http
    http-request set-header X-Forwarded-Port %[dst_port]
    default_backend upstream
backend upstream
    server upstream 127.0.0.1:${o.upstreamPort}
`;
}

export async function startHaproxy(o: HaproxyOptions): Promise<Child & { cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-bench-haproxy-'));
  const file = join(dir, 'haproxy.cfg');
  writeFileSync(file, haproxyConfig(o));
  const child = await startChild(EDGE_COMMANDS.haproxy, ['-db', '-f', file], {
    name: 'haproxy',
    cpus: o.cpus,
    until: () => httpReady(`http://127.0.0.1:${o.port}/`),
  });
  return {
    ...child,
    async cleanup() {
      await child.stop('SIGUSR1'); // soft stop: finishes what it serves
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
