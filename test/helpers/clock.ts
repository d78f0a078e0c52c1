import type { Clock } from '../../src/clock.js';

/**
 * The one fake clock of the tests: it moves only when told. It starts at the real time unless
 * given a start (cookies and certificates still need real dates).
 */
export class FakeClock implements Clock {
  constructor(private t = Date.now()) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
