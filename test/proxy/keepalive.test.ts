import { expect } from 'chai';
import { connect } from 'node:net';
import { startHarness, type Harness } from '../helpers/harness.js';

// listen.keepAliveSeconds: how long factorgate keeps an idle browser (or load balancer)
// connection open. Behind a balancer it must outlast the balancer's own idle timeout.

/** Sends one keep-alive request on a raw connection; resolves with ms from the response to the server's close. */
function idleUntilClosed(url: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let answeredAt = 0;
    socket.on('data', (chunk) => { if (!answeredAt && chunk.toString().startsWith('HTTP/1.1 ')) answeredAt = Date.now(); });
    socket.on('close', () => (answeredAt ? resolve(Date.now() - answeredAt) : reject(new Error('closed before answering'))));
    socket.on('error', reject);
    socket.write(`GET /echo HTTP/1.1\r\nHost: ${hostname}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

describe('listen.keepAliveSeconds', function () {
  this.timeout(15_000);
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('closes an idle client connection after the configured time, not before', async () => {
    h = await startHarness({ listen: { keepAliveSeconds: 1 } });
    expect(h.fg.server.keepAliveTimeout).to.equal(1000);
    expect(h.fg.server.headersTimeout).to.be.above(h.fg.server.keepAliveTimeout);
    const idle = await idleUntilClosed(h.fg.url);
    expect(idle).to.be.within(900, 5000);
  });

  it('keeps the Node default of 5 s unless told otherwise', async () => {
    h = await startHarness();
    expect(h.fg.server.keepAliveTimeout).to.equal(5000);
  });
});
