import type { Store } from '../state/store.js';

// Logins finished in the last hour, by outcome, for the administrator's live view: one counter per
// minute and outcome in the login state store, so that every instance sharing a Redis counts into
// the same ones, and each counter expires by itself once it is older than the hour.

const PREFIX = 'outcomes:';
const MINUTE_MS = 60_000;
const HOUR_MINUTES = 60;
/** Outcomes are the login's own codes; anything else (never expected) is counted as "other". */
const OUTCOME = /^[a-z0-9_]{1,48}$/;
/** Counters read at most: 60 minutes of many outcomes, bounded whatever the store holds. */
const MAX_KEYS = 5000;

export class OutcomeCounts {
  constructor(private readonly store: Store, private readonly now: () => number, private readonly onFailure?: (err: unknown) => void) {}

  /** Counts one finished login; a store that cannot count loses the count (and says so through onFailure), never the login. */
  record(outcome: string): Promise<void> {
    const minute = Math.floor(this.now() / MINUTE_MS);
    const name = OUTCOME.test(outcome) ? outcome : 'other';
    return this.store.increment(`${PREFIX}${minute}:${name}`, (HOUR_MINUTES + 1) * MINUTE_MS).then(() => undefined, (err: unknown) => this.onFailure?.(err));
  }

  /** Each outcome's count over the last 60 minutes (this one included), most frequent first. */
  async lastHour(): Promise<Array<{ outcome: string; count: number }>> {
    const since = Math.floor(this.now() / MINUTE_MS) - HOUR_MINUTES;
    const keys = (await this.store.keys(PREFIX, MAX_KEYS)).filter((key) => Number(key.slice(PREFIX.length).split(':')[0]) > since);
    const counts = new Map<string, number>();
    await Promise.all(keys.map(async (key) => {
      const outcome = key.slice(key.lastIndexOf(':') + 1);
      const count = (await this.store.get<number>(key)) ?? 0;
      counts.set(outcome, (counts.get(outcome) ?? 0) + count);
    }));
    return [...counts].map(([outcome, count]) => ({ outcome, count })).sort((a, b) => b.count - a.count || a.outcome.localeCompare(b.outcome));
  }
}
