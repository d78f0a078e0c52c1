import { readFileSync } from 'node:fs';
import { cpuTicksOfTree, machineTicks } from './proc.js';

// CPU spent during one measured run: by the process under test, and by everything on the
// machine that is not part of the bench (other users' work would distort the numbers).

export type CpuReading = { subjectTicks: number; benchTicks: number; busyTicks: number; totalTicks: number };

/** utime+stime of this process plus those of its finished children (wrk, the drivers). */
function selfAndReapedTicks(): number {
  const text = readFileSync('/proc/self/stat', 'utf8');
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

export function startCpuMeter(subjectPids: number[], otherBenchPids: number[]): () => CpuMeasure {
  const read = (): CpuReading => {
    const subject = subjectPids.reduce((sum, pid) => sum + cpuTicksOfTree(pid), 0);
    const others = otherBenchPids.reduce((sum, pid) => sum + cpuTicksOfTree(pid), 0);
    const machine = machineTicks();
    return { subjectTicks: subject, benchTicks: subject + others + selfAndReapedTicks(), busyTicks: machine.busy, totalTicks: machine.total };
  };
  const before = read();
  return () => {
    const after = read();
    const subjectTicks = after.subjectTicks - before.subjectTicks;
    const foreign = Math.max(0, (after.busyTicks - before.busyTicks) - (after.benchTicks - before.benchTicks));
    const total = after.totalTicks - before.totalTicks;
    return { subjectMs: subjectTicks * 10, foreignShare: total > 0 ? foreign / total : 0 };
  };
}

/** CPU milliseconds of the subject, and the share of the machine's CPU used by anything outside the bench. */
export type CpuMeasure = { subjectMs: number; foreignShare: number };

/**
 * Share of the machine's CPU used by processes outside the bench (this process, its live
 * descendants and its finished children) from now until the returned function is called.
 */
export function startOutsideLoadMeter(): () => number {
  const read = () => {
    const text = readFileSync('/proc/self/stat', 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const reaped = Number(f[13]) + Number(f[14]);
    return { bench: cpuTicksOfTree(process.pid) + reaped, ...machineTicks() };
  };
  const before = read();
  return () => {
    const after = read();
    const total = after.total - before.total;
    const outside = Math.max(0, after.busy - before.busy - (after.bench - before.bench));
    return total > 0 ? Math.round((outside / total) * 1000) / 1000 : 0;
  };
}
