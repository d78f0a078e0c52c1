import type { Store } from '../state/store.js';
import { FactorgateError } from '../errors.js';

export type LimitRule = { name: string; max: number };

/**
 * Fixed-window counters in the shared store, so limits hold across instances once the store does.
 * A refused attempt still counts, so hammering does not reopen the window early.
 */
export class RateLimiter {
  constructor(private readonly store: Store, private readonly windowMs: number) {}

  /** Counts one attempt against each rule and throws rate_limited when any is over its maximum. */
  async hit(rules: Array<LimitRule & { subject: string }>): Promise<void> {
    for (const rule of rules) {
      const count = await this.store.increment(`limit:${rule.name}:${rule.subject}`, this.windowMs);
      if (count > rule.max) throw new FactorgateError('rate_limited', `limit ${rule.name} reached`, { limit: rule.name, count });
    }
  }

  /** Whether a subject is already over a rule's maximum, without counting. */
  async exceeded(rule: LimitRule, subject: string): Promise<boolean> {
    const count = (await this.store.get<number>(`limit:${rule.name}:${subject}`)) ?? 0;
    return count >= rule.max;
  }
}
