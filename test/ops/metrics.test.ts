import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { freePort } from '../helpers/processes.js';

const KEY = '56565656-1111-4e22-8018-e4cf70027375';

/** The value of one sample in Prometheus text format, 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_:]+)(\{([^}]*)\})? ([0-9.e+-]+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries((match[3] ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]).map(([k, v]) => [k, v.replace(/"/g, '')]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[4]);
  }
  return 0;
}

describe('operations: /metrics', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('counters move as logins start, wait, finish and fail, and callouts are timed', async () => {
    h = await startHarness();
    const before = (await h.browser().get('/metrics')).body;
    expect(sample(before, 'factorgate_logins_started_total', { provider: 'anakam' })).to.equal(0);

    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const waiting = (await h.browser().get('/metrics')).body;
    expect(sample(waiting, 'factorgate_logins_waiting')).to.equal(1);
    await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    nock(ANAKAM_URL).post(/auth/).query(true).reply(503, '');
    await startLogin(h.browser(), 'bob', 'bob-pw');
    await h.browser().get('/echo');
    tfa.done();

    const after = (await h.browser().get('/metrics')).body;
    expect(sample(after, 'factorgate_logins_started_total', { provider: 'anakam' })).to.equal(2);
    expect(sample(after, 'factorgate_logins_finished_total', { outcome: 'success', path: 'passcode' })).to.equal(1);
    expect(sample(after, 'factorgate_logins_finished_total', { outcome: 'tfa_unavailable' })).to.equal(1);
    expect(sample(after, 'factorgate_logins_waiting')).to.equal(0);
    expect(sample(after, 'factorgate_callout_duration_seconds_count', { command: 'verifyPasscode', outcome: '2xx' })).to.equal(1);
    expect(sample(after, 'factorgate_callout_duration_seconds_count', { command: 'auth', outcome: '5xx' })).to.equal(1);
    expect(sample(after, 'factorgate_passthrough_requests_total')).to.equal(1);
    expect(sample(after, 'factorgate_store_up')).to.equal(1);
  });

  it('counts rate-limit refusals by limit', async () => {
    h = await startHarness({ limits: { loginStartsPerClient: 1 } });
    new AnakamScript().passcodeSent('alice', KEY);
    await startLogin(h.browser(), 'alice', 'alice-pw');
    await startLogin(h.browser(), 'bob', 'bob-pw');
    expect(sample((await h.browser().get('/metrics')).body, 'factorgate_rate_limit_refusals_total', { limit: 'starts-client' })).to.equal(1);
  });

  it('can be moved to its own port, off the public listener', async () => {
    const port = await freePort();
    h = await startHarness({ metrics: { port } });
    expect((await h.browser().get('/metrics')).status).to.equal(404);
    const res = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(res.status).to.equal(200);
    expect(await res.text()).to.include('factorgate_logins_started_total');
  });
});
