import { randomUUID } from 'node:crypto';
import type { Logger } from '../log.js';
import type { Notifier } from '../state/notifier.js';
import type { Store } from '../state/store.js';
import type { PushVerdict } from './views.js';

export type PushWatcherDeps = {
  verdict: (loginId: string) => Promise<PushVerdict | undefined>;
  store: Store;
  notifier: Notifier;
  logger: Logger;
  intervalMs: number;
  maxIntervalMs: number;
};

const LEASE_MS = 15_000;
export const pushChannel = (loginId: string) => `push:${loginId}`;
const leaseKey = (loginId: string) => `push-poller:${loginId}`;

/**
 * Asks the push server, on the user's behalf, how a waiting login's push stands, and tells every
 * page waiting on it. One poller per login across all instances (a lease in the store), however
 * many tabs wait. The interval grows while nothing happens; polling stops at a verdict (the
 * push's own timeout gives one) or when the login is gone. A lease left by a dead instance
 * expires, and the next page that connects starts a new poller.
 */
export class PushWatcher {
  private readonly instance = randomUUID();
  private readonly running = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: PushWatcherDeps) {}

  /** Starts polling this login unless some instance already does. */
  async watch(loginId: string): Promise<void> {
    if (this.running.has(loginId) || this.stopped) return;
    if (!(await this.deps.store.setIfAbsent(leaseKey(loginId), this.instance, LEASE_MS))) return;
    this.running.add(loginId);
    void this.loop(loginId).finally(async () => {
      this.running.delete(loginId);
      // Only this instance's own lease: one that lapsed may be another instance's by now.
      await this.deps.store.deleteIfEqual(leaseKey(loginId), this.instance).catch(() => undefined);
    });
  }

  /** Polling loops end at their next turn; nothing new starts. */
  stop(): void {
    this.stopped = true;
  }

  private async loop(loginId: string): Promise<void> {
    const { verdict, notifier, logger, intervalMs, maxIntervalMs } = this.deps;
    let interval = intervalMs;
    let last: PushVerdict | undefined;
    while (!this.stopped) {
      let now: PushVerdict | undefined;
      try {
        now = await verdict(loginId);
      } catch (err) {
        logger.warn({ event: 'push_poll_failed', detail: err instanceof Error ? err.message.slice(0, 200) : 'error' }, 'push status could not be read; trying again');
        now = last ?? 'open';
      }
      if (now === undefined) return;
      // Every round is published, so a page that connects late learns the state at the next one.
      await notifier.publish(pushChannel(loginId), now).catch(() => undefined);
      if (now !== 'open') return;
      last = now;
      await new Promise((resolve) => setTimeout(resolve, interval).unref());
      interval = Math.min(Math.round(interval * 1.5), maxIntervalMs);
      if (!(await this.renewLease(loginId))) {
        logger.info({ event: 'push_poller_lease_lost' }, 'another instance polls this push now; this one stops');
        return;
      }
    }
  }

  /**
   * Keeps the lease only while it is still this instance's, or has lapsed with no one taking it.
   * A loop that stalled past LEASE_MS while another instance took over learns it here and stops,
   * so one push is never polled twice. A store that cannot answer changes nothing: no other
   * instance can take the lease through it either.
   */
  private async renewLease(loginId: string): Promise<boolean> {
    const { store } = this.deps;
    const key = leaseKey(loginId);
    try {
      return (await store.setIfEqual(key, this.instance, this.instance, LEASE_MS)) || (await store.setIfAbsent(key, this.instance, LEASE_MS));
    } catch {
      return true;
    }
  }
}
