import { connect } from 'node:net';

export type Check = () => Promise<void>;
export type DependencyReport = Record<string, 'ok' | 'failing'>;

/**
 * The health of what factorgate depends on (gateway, two-factor and push servers, store), for
 * /healthz?verbose and factorgate_dependency_up: each is checked at most once per interval,
 * however often it is asked, and concurrent asks share one round of checks. It is not readiness:
 * these are shared by every instance, so a load balancer acting on them would pull them all at
 * once, pass-through included.
 */
export class DependencyHealth {
  private last?: { at: number; report: DependencyReport };
  private inFlight?: Promise<DependencyReport>;

  constructor(private readonly checks: Record<string, Check>, private readonly minIntervalMs: number, private readonly now: () => number) {}

  async report(): Promise<DependencyReport> {
    if (this.last && this.now() - this.last.at < this.minIntervalMs) return this.last.report;
    this.inFlight ??= this.run().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  private async run(): Promise<DependencyReport> {
    const names = Object.keys(this.checks);
    const results = await Promise.allSettled(names.map((name) => this.checks[name]!()));
    const report = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'ok' : 'failing'] as const));
    this.last = { at: this.now(), report };
    return report;
  }
}

/** A TCP connection to the URL's host and port: proves it is reachable, without touching its API. */
export function reachable(url: string, timeoutMs = 1000): Check {
  const { hostname, port, protocol } = new URL(url);
  const target = { host: hostname.replace(/^\[|\]$/g, ''), port: Number(port || (protocol === 'https:' ? 443 : 80)) };
  return () =>
    new Promise<void>((resolve, reject) => {
      const socket = connect(target);
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
      socket.once('connect', () => { socket.end(); resolve(); });
      socket.once('error', reject);
    });
}

/** Any one of the URLs reachable (the push server's failover list). */
export function anyReachable(urls: readonly string[]): Check {
  const checks = urls.map((url) => reachable(url));
  return () => Promise.any(checks.map((check) => check())).then(() => undefined);
}
