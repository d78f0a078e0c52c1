import Denque from 'denque';
import type { Command, Status } from './vocabulary.js';

/** One API call the simulator answered, so tests can assert what factorgate sent (never a passcode). */
export type AnakamCall = {
  at: string;
  call: 'auth' | Command;
  user: string;
  authKey: string;
  clientIp?: string;
  httpStatus: number;
  status?: Status;
};

/** How many calls are kept: the newest; a benchmark's millionth call costs what the first did. */
export const KEPT_CALLS = 1000;

export class CallLog {
  // A ring: once full, each call drops the oldest in O(1).
  private readonly calls = new Denque<AnakamCall>([], { capacity: KEPT_CALLS });

  add(call: AnakamCall): void {
    this.calls.push(call);
  }

  /** Oldest first. */
  list(): AnakamCall[] {
    return this.calls.toArray().map((c) => ({ ...c }));
  }

  clear(): void {
    this.calls.clear();
  }
}
