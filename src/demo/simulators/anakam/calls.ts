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

const KEEP = 1000;

export class CallLog {
  private calls: AnakamCall[] = [];

  add(call: AnakamCall): void {
    this.calls.push(call);
    if (this.calls.length > KEEP) this.calls = this.calls.slice(-KEEP);
  }

  list(): AnakamCall[] {
    return this.calls.map((c) => ({ ...c }));
  }

  clear(): void {
    this.calls = [];
  }
}
