import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, closedPortUrl, type Harness } from '../helpers/harness.js';
import { DependencyHealth } from '../../src/ops/dependencies.js';
import { FakeClock } from '../helpers/clock.js';
import { startGatewayStub } from '../helpers/gateway_stub.js';
import { ANAKAM_URL } from '../helpers/config.js';

describe('operations: /healthz and /readyz', () => {
  let h: Harness;
  afterEach(async () => { await h?.close(); });

  it('/readyz stays 200 when the gateway and the two-factor server are down: they are every instance\'s, not this one\'s', async () => {
    h = await startHarness({ gateway: { url: await closedPortUrl() } }); // the two-factor server: a nock host not on the network
    const reply = await h.browser().get('/readyz');
    expect(reply.status).to.equal(200);
    expect(reply.json()).to.deep.equal({ ready: true });
  });

  it('/healthz?verbose names each dependency\'s health, and /healthz stays a plain 200', async () => {
    h = await startHarness();
    const verbose = await h.browser().get('/healthz?verbose');
    expect(verbose.status).to.equal(200);
    expect(verbose.json()).to.deep.equal({ status: 'ok', dependencies: { gateway: 'ok', anakam: 'failing', store: 'ok' } });
    expect((await h.browser().get('/healthz')).json()).to.deep.equal({ status: 'ok' });
  });

  it('/healthz?verbose says ok for a reachable two-factor server', async () => {
    const standIn = await startGatewayStub(); // any live local port stands in for the two-factor server
    try {
      h = await startHarness({ anakam: { baseUrl: standIn.url } });
      expect((await h.browser().get('/healthz?verbose')).json().dependencies).to.deep.equal({ gateway: 'ok', anakam: 'ok', store: 'ok' });
    } finally {
      await standIn.close();
    }
  });

  it('/readyz turns 503 once the instance is stopping, while requests in flight finish', async () => {
    h = await startHarness();
    let hit!: () => void;
    const calloutReached = new Promise<void>((resolve) => { hit = resolve; });
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    // The login's first callout waits until the test lets it go: the stop begins with it in flight.
    nock(ANAKAM_URL).post(/auth/).query(true).reply(async () => {
      hit();
      await held;
      return [503, ''];
    });
    const login = startLogin(h.browser(), 'alice', 'alice-pw');
    await calloutReached;
    const closing = h.fg.close();
    const ready = await fetch(h.fg.metricsUrl!.replace(/\/metrics$/, '/readyz'));
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.deep.equal({ ready: false, reason: 'stopping' });
    release();
    expect((await login).status).to.equal(503);
    await closing;
    expect(h.logs.lines.map((l) => l.event)).to.include.members(['stopping', 'stopped']);
  });

  it('checks each dependency at most once per interval, however often it is asked', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const health = new DependencyHealth({ dep: async () => { calls += 1; } }, 5000, () => clock.now());
    await Promise.all(Array.from({ length: 50 }, () => health.report()));
    await health.report();
    expect(calls).to.equal(1);
    clock.advance(5001);
    await health.report();
    expect(calls).to.equal(2);
  });
});
