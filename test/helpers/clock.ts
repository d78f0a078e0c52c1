import type { Clock } from '../../src/clock.js';

/** A clock that moves only when told, starting at the real time (cookies still need real dates). */
export class FakeClock implements Clock {
  private t = Date.now();
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
