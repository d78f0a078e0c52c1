import { expect } from 'chai';
import { startHarness, type Harness } from '../helpers/harness.js';
import { Readiness } from '../../src/ops/readiness.js';
import { FakeClock } from '../helpers/clock.js';
import { startGatewayStub } from '../helpers/gateway_stub.js';

describe('operations: /healthz and /readyz', () => {
  let h: Harness;
  afterEach(async () => { await h?.close(); });

  it('/readyz is 503 and names the failing dependency when the two-factor server is unreachable', async () => {
    h = await startHarness(); // the two-factor server is a nock host that does not exist on the network
    const reply = await h.browser().get('/readyz');
    expect(reply.status).to.equal(503);
    expect(reply.json()).to.deep.equal({ ready: false, checks: { gateway: 'ok', anakam: 'failing', store: 'ok' } });
    expect((await h.browser().get('/healthz')).status).to.equal(200);
  });

  it('/readyz is 200 when the gateway, the two-factor server and the store answer', async () => {
    const standIn = await startGatewayStub(); // any live local port stands in for the two-factor server
    try {
      h = await startHarness({ anakam: { baseUrl: standIn.url } });
      const reply = await h.browser().get('/readyz');
      expect(reply.status).to.equal(200);
      expect(reply.json()).to.deep.equal({ ready: true, checks: { gateway: 'ok', anakam: 'ok', store: 'ok' } });
    } finally {
      await standIn.close();
    }
  });

  it('checks each dependency at most once per interval, however often it is asked', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const readiness = new Readiness({ dep: async () => { calls += 1; } }, 5000, () => clock.now());
    await Promise.all(Array.from({ length: 50 }, () => readiness.report()));
    await readiness.report();
    expect(calls).to.equal(1);
    clock.advance(5001);
    await readiness.report();
    expect(calls).to.equal(2);
  });
});
