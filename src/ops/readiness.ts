import { connect } from 'node:net';

export type Check = () => Promise<void>;
export type ReadinessReport = { ready: boolean; checks: Record<string, 'ok' | 'failing'> };

/**
 * Whether this instance can serve logins: each dependency is checked at most once per interval,
 * however often a load balancer asks, and concurrent asks share one round of checks.
 */
export class Readiness {
  private last?: { at: number; report: ReadinessReport };
  private inFlight?: Promise<ReadinessReport>;

  constructor(private readonly checks: Record<string, Check>, private readonly minIntervalMs: number, private readonly now: () => number) {}

  async report(): Promise<ReadinessReport> {
    if (this.last && this.now() - this.last.at < this.minIntervalMs) return this.last.report;
    this.inFlight ??= this.run().finally(() => { this.inFlight = undefined; });
    return this.inFlight;
  }

  private async run(): Promise<ReadinessReport> {
    const names = Object.keys(this.checks);
    const results = await Promise.allSettled(names.map((name) => this.checks[name]!()));
    const checks = Object.fromEntries(names.map((name, i) => [name, results[i]!.status === 'fulfilled' ? 'ok' : 'failing'] as const));
    const report = { ready: results.every((r) => r.status === 'fulfilled'), checks };
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
