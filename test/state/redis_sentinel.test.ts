import { expect } from 'chai';
import { Redis } from 'ioredis';
import { AnakamScript } from '../helpers/anakam_script.js';
import type { TestBrowser } from '../helpers/browser.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { MASTER_NAME, startSentinelSetup, type SentinelSetup } from '../helpers/redis_sentinel.js';
import { waitFor } from '../helpers/wait.js';

// factorgate on a Redis master with a replica, told where the master is by a real Redis Sentinel
// (store.redis.sentinel), while the master dies in the middle of a login and the sentinel
// promotes the replica. The sentinel is held from failing over while the test looks at the
// outage, so that what is seen then does not depend on how fast the failover is.

const AUTH_KEY = '5d0c6a1e-2b7f-4c1a-9e3d-8f6b2a4c0e17';

describe('Redis Sentinel: the master fails over in the middle of a login', function () {
  // A failover waits 5 s past the master's end, and a busy machine can starve the sentinel into
  // 30 s of TILT first (the helper's wait for it says what the sentinel reported, if it never comes).
  this.timeout(150_000);
  let setup: SentinelSetup;
  let h: Harness;

  beforeEach(async function () {
    this.timeout(60_000);
    setup = await startSentinelSetup();
    h = await startHarness({
      store: { type: 'redis', redis: { sentinel: { nodes: [setup.sentinelNode], masterName: MASTER_NAME } } },
      health: { checkIntervalMs: 500 },
    });
  });
  afterEach(async () => {
    await h?.close();
    await setup?.stop();
  });

  /** Resolves once everything written to the master so far is on the replica (replication is one ordered stream). */
  const replicated = async () => {
    const client = new Redis({ host: '127.0.0.1', port: setup.master.port });
    try {
      await client.set('test:replication-marker', '1');
      expect(await client.call('WAIT', 1, 10_000)).to.equal(1);
    } finally {
      client.disconnect();
    }
  };
  /** Resolves once /healthz?verbose finds the store answering again. */
  const untilStoreAnswers = (browser: TestBrowser) =>
    waitFor(async () => (await browser.get('/healthz?verbose')).json().dependencies.store === 'ok', 'the store to answer after the failover', 60_000);
  const answer = (browser: TestBrowser, csrf: string) => browser.postJson('/mfa/passcode', { passcode: '123456', csrf });

  it('a login already on the replica goes on once the replica is promoted; during the outage it fails closed with a page', async () => {
    const tfa = new AnakamScript().passcodeSent('alice', AUTH_KEY)
      .step(AUTH_KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(AUTH_KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.status).to.equal('challenge');
    await replicated();

    await setup.holdFailover();
    await setup.master.stop(); // the master dies; no failover yet
    const during = await answer(browser, started.csrf);
    expect(during.status).to.equal(503);
    expect(during.json()).to.include({ code: 'store_unavailable' });
    expect(during.json().message).to.include('Try again in a minute');
    expect(h.logs.lines.some((l) => l.event === 'request_refused' && l.code === 'store_unavailable')).to.equal(true);

    await setup.allowFailover();
    expect(await setup.failedOver(), 'the sentinel promoted the replica').to.equal(setup.replica.port);
    await untilStoreAnswers(browser);
    const done = await answer(browser, started.csrf);
    expect(done.json().status).to.equal('done');
    expect(h.gateway.logins.map((l) => l.login)).to.deep.equal(['alice']);
    tfa.done();
  });

  it('a login the replica had not received yet is lost with the master: the user is told to start again, nothing gets through', async () => {
    new AnakamScript().passcodeSent('alice', AUTH_KEY);
    await setup.holdFailover();
    await setup.cutReplication(); // the replica keeps what it has, and hears nothing more
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.status).to.equal('challenge');
    await setup.master.stop();
    await setup.allowFailover();
    expect(await setup.failedOver()).to.equal(setup.replica.port);
    // Asked until the store answers (each post meanwhile is refused as unavailable, 503), not
    // through /healthz: the answer is what this test is about.
    let after: Awaited<ReturnType<typeof answer>> | undefined;
    await waitFor(async () => (after = await answer(browser, started.csrf)).status !== 503, 'the store to answer the login\'s post after the failover', 60_000);
    expect(after!.status).to.equal(400);
    expect(after!.json()).to.include({ code: 'no_login' });
    expect(after!.json().message).to.include('Start again from the login page');
    expect(h.gateway.logins).to.deep.equal([]);
  });
});
