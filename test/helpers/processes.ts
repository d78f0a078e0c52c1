import type { ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

// What the tests that start real servers (redis-server, slapd, closed ports) share.

export { freePort } from '../../src/ops/free_port.js';

/** SIGKILL, and wait until the process is really gone; nothing if it already is. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}

/**
 * Freezes a server (SIGSTOP) and resolves once every thread is stopped: on a busy machine a thread
 * can still answer a request after kill() returns, so a test that asks at once would race the signal.
 */
export async function freeze(child: ChildProcess, name: string): Promise<void> {
  child.kill('SIGSTOP');
  for (const until = Date.now() + 5000; !allThreadsStopped(child.pid!);) {
    if (Date.now() > until) throw new Error(`${name} did not stop on SIGSTOP`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function allThreadsStopped(pid: number): boolean {
  const tasks = `/proc/${pid}/task`;
  return readdirSync(tasks).every((tid) => {
    const stat = readFileSync(`${tasks}/${tid}/stat`, 'utf8'); // "tid (comm) S ...": comm may hold spaces
    return stat.charAt(stat.lastIndexOf(')') + 2) === 'T';
  });
}
