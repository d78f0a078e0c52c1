import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { startChild, type Child } from '../lib/proc.js';
import { httpReady } from '../lib/net.js';
import { nginxMainAround } from '../../src/edge/run_edge.js';

// Debian's nginx as the reference proxy: a generated config in a temp dir, 127.0.0.1 only,
// two workers, keep-alive to the upstream, the same X-Forwarded-* headers factorgate sets, no
// access log (factorgate writes none per request at level warn). Stopped and removed after.

export type NginxOptions = { upstreamPort: number; port: number; workers: number; cpus?: string };

export function nginxConfig(dir: string, o: NginxOptions): string {
  return nginxMainAround(dir, o.workers, `upstream gateway {
    server 127.0.0.1:${o.upstreamPort};
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${o.port};
    location / {
      proxy_pass http://gateway;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Port $server_port;
    }
  }`);
}

export async function startNginx(o: NginxOptions): Promise<Child & { cleanup(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-bench-nginx-'));
  chmodSync(dir, 0o755); // workers drop to an unprivileged user
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, nginxConfig(dir, o));
  const child = await startChild('nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'error.log')], {
    name: 'nginx',
    cpus: o.cpus,
    until: () => httpReady(`http://127.0.0.1:${o.port}/`),
  });
  return {
    ...child,
    async cleanup() {
      await child.stop('SIGQUIT'); // graceful: the master waits for its workers
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function nginxVersion(): string {
  const out = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
  return (out.stderr || out.stdout).trim().replace(/^nginx version: (nginx\/)?/, '');
}
