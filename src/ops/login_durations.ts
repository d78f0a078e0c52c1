import type { Logger } from '../log.js';
import type { Metrics } from './metrics.js';
import type { FinishedLogin } from './recent_sign_ins.js';

/**
 * The logger the login flow writes through, such that its audit line (event login_finished, with
 * the outcome and the milliseconds since the first factor was posted) also feeds
 * factorgate_login_duration_seconds (and, given `onFinished`, the administrator's counts per
 * outcome and each user's recent sign-ins): the metric and the audit trail cannot tell different stories.
 */
export function observeLoginDurations(logger: Logger, metrics: Metrics, onFinished?: (line: FinishedLogin & { outcome: string }) => void): Logger {
  return new Proxy(logger, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (property !== 'info' || typeof value !== 'function') return value;
      return (entry: unknown, ...rest: unknown[]) => {
        if (isLoginFinished(entry)) {
          metrics.loginSeconds.observe({ outcome: entry.outcome }, entry.ms / 1000);
          onFinished?.(entry);
        }
        return (value as (...args: unknown[]) => void).call(target, entry, ...rest);
      };
    },
  });
}

function isLoginFinished(entry: unknown): entry is FinishedLogin & { outcome: string; ms: number } {
  const line = entry as { event?: unknown; outcome?: unknown; ms?: unknown } | null;
  return typeof line === 'object' && line !== null && line.event === 'login_finished' && typeof line.outcome === 'string' && typeof line.ms === 'number';
}
