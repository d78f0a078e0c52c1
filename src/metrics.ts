import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What factorgate counts, in Prometheus form. One registry per instance (tests start several);
 * labels are bounded sets (provider, outcome codes, command names), never user input.
 */
export class Metrics {
  readonly registry = new Registry();
  readonly loginsStarted = new Counter({ name: 'factorgate_logins_started_total', help: 'Logins started (first factor posted).', labelNames: ['provider'], registers: [this.registry] });
  readonly loginsFinished = new Counter({
    name: 'factorgate_logins_finished_total',
    help: 'Logins finished, by outcome (success or the failure code) and the path taken (device or passcode).',
    labelNames: ['provider', 'outcome', 'path'],
    registers: [this.registry],
  });
  readonly calloutSeconds = new Histogram({
    name: 'factorgate_callout_duration_seconds',
    help: 'Two-factor server callouts by command and outcome (HTTP status class or transport error).',
    labelNames: ['command', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly passthroughRequests = new Counter({ name: 'factorgate_passthrough_requests_total', help: 'Requests passed through to the gateway.', registers: [this.registry] });
  readonly rateLimitRefusals = new Counter({ name: 'factorgate_rate_limit_refusals_total', help: 'Requests refused by a rate limit.', labelNames: ['limit'], registers: [this.registry] });
  readonly storeUp = new Gauge({ name: 'factorgate_store_up', help: '1 when the state store answered its last check.', registers: [this.registry] });
  private readonly waiting = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {
    const waiting = this.waiting;
    const clock = this.now;
    new Gauge({
      name: 'factorgate_logins_waiting',
      help: 'Logins started on this instance that wait for the user (passcode asked, not finished, not expired).',
      registers: [this.registry],
      collect() {
        const t = clock();
        for (const [id, deadline] of waiting) if (deadline <= t) waiting.delete(id);
        this.set(waiting.size);
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'factorgate_process_' });
    this.storeUp.set(1);
  }

  loginWaiting(id: string, deadline: number): void {
    this.waiting.set(id, deadline);
  }

  loginEnded(id: string): void {
    this.waiting.delete(id);
  }
}
