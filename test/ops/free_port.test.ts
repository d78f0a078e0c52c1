import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { FREE_PORT_RANGE, freePort } from '../../src/ops/free_port.js';

// The ports tests and the demo's edge start servers on: free at 127.0.0.1, and outside the range
// the kernel gives outgoing connections, so that a client cannot take one before its server binds it.

describe('freePort', () => {
  it('gives ports below the ephemeral range that a server can then listen on', async () => {
    for (let i = 0; i < 20; i++) {
      const port = await freePort();
      expect(port).to.be.within(FREE_PORT_RANGE[0], FREE_PORT_RANGE[1]);
      const server = createServer();
      await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', resolve); });
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('never gives a port something listens on', async () => {
    const held: Server[] = [];
    const taken = new Set<number>();
    try {
      for (let i = 0; i < 30; i++) {
        const port = await freePort();
        expect(taken.has(port), `port ${port} given twice while held`).to.equal(false);
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
        held.push(server);
        taken.add(port);
      }
    } finally {
      await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  });
});
