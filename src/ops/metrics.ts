import cluster from 'node:cluster';
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Messages between a worker that serves /metrics and the primary that sums every worker's (src/ops/cluster.ts). */
export const METRICS_REQUEST = 'factorgate:metrics-request';
export const METRICS_REPLY = 'factorgate:metrics-reply';
export type MetricsReply = { type: typeof METRICS_REPLY; id: number; text?: string; error?: string };
const CLUSTER_METRICS_TIMEOUT_MS = 6_000;

let nextRequest = 0;

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
  // With several workers the aggregate is the worst of them: 0 when any one lost the store.
  readonly storeEvictions = new Counter({ name: 'factorgate_store_evictions_total', help: 'Entries the memory store pushed out to stay within store.memory.maxEntries.', registers: [this.registry] });
  readonly storeUp = new Gauge({ name: 'factorgate_store_up', help: '1 when the state store answered its last check.', aggregator: 'min', registers: [this.registry] });
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
    if (cluster.isWorker) {
      // The primary's AggregatorRegistry asks each worker for this registry (one instance per worker).
      new AggregatorRegistry();
      AggregatorRegistry.setRegistries([this.registry]);
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text /metrics serves: this process's registry, or in a worker the sums over all workers. */
  async exposition(): Promise<string> {
    if (!cluster.isWorker || !process.send) return this.registry.metrics();
    const id = nextRequest++;
    return new Promise<string>((resolve, reject) => {
      const done = (err: Error | undefined, text?: string) => {
        clearTimeout(timer);
        process.off('message', onMessage);
        if (err) reject(err);
        else resolve(text!);
      };
      const onMessage = (message: unknown) => {
        const reply = message as Partial<MetricsReply> | null;
        if (reply?.type !== METRICS_REPLY || reply.id !== id) return;
        done(reply.error === undefined ? undefined : new Error(`metrics of the workers: ${reply.error}`), reply.text ?? '');
      };
      const timer = setTimeout(() => done(new Error('metrics of the workers: no answer from the primary')), CLUSTER_METRICS_TIMEOUT_MS);
      process.on('message', onMessage);
      process.send!({ type: METRICS_REQUEST, id });
    });
  }

  loginWaiting(id: string, deadline: number): void {
    this.waiting.set(id, deadline);
  }

  loginEnded(id: string): void {
    this.waiting.delete(id);
  }
}
