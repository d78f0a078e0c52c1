import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

// What the tests that start real servers (redis-server, slapd, closed ports) share.

/** A localhost port nothing listens on right now (the OS picked it, then it was released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** SIGKILL, and wait until the process is really gone; nothing if it already is. */
export async function killProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
