import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/**
 * Where a free port is looked for: below Linux's default ephemeral range (32768-60999), from which
 * the kernel also gives outgoing connections their ports. A port taken from that range and
 * released could go to a connection (a test's client, a Redis client) before the server that
 * asked for it binds it.
 */
export const FREE_PORT_RANGE: readonly [number, number] = [20_000, 32_767];
const TRIES = 50;

/** A port nothing listens on at 127.0.0.1 right now, from FREE_PORT_RANGE (the kernel's pick when none there is free). */
export async function freePort(): Promise<number> {
  for (let i = 0; i < TRIES; i++) {
    const port = randomInt(FREE_PORT_RANGE[0], FREE_PORT_RANGE[1] + 1);
    if (await canListen(port)) return port;
  }
  return listenAndRelease(0);
}

async function canListen(port: number): Promise<boolean> {
  return listenAndRelease(port).then(() => true, () => false);
}

/** Listens on `port` (0: the kernel picks one) at 127.0.0.1, closes, and gives the port. */
function listenAndRelease(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
