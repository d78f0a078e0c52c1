import { expect } from 'chai';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { ANAKAM_URL } from '../helpers/config.js';
import { freePort } from '../helpers/processes.js';
import { VERSION } from '../../src/version.js';

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

/** What a Prometheus scraper reads, from the metrics listener. */
async function scrape(h: Harness): Promise<string> {
  const res = await fetch(h.fg.metricsUrl!);
  expect(res.status).to.equal(200);
  return res.text();
}

describe('operations: /metrics', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('counters move as logins start, wait, finish and fail, and callouts are timed', async () => {
    h = await startHarness();
    const before = await scrape(h);
    expect(sample(before, 'factorgate_logins_started_total', { provider: 'anakam' })).to.equal(0);

    const tfa = new AnakamScript().passcodeSent('alice', KEY).step(KEY, 'VERIFY_PASSCODE', 'AUTHENTICATED').step(KEY, 'COMPLETE', 'COMPLETE');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const waiting = await scrape(h);
    expect(sample(waiting, 'factorgate_logins_waiting')).to.equal(1);
    await browser.postJson('/mfa/passcode', { passcode: '123456', csrf: started.csrf });
    nock(ANAKAM_URL).post(/auth/).query(true).reply(503, '');
    await startLogin(h.browser(), 'bob', 'bob-pw');
    await h.browser().get('/echo');
    tfa.done();

    const after = await scrape(h);
    expect(sample(after, 'factorgate_logins_started_total', { provider: 'anakam' })).to.equal(2);
    expect(sample(after, 'factorgate_logins_finished_total', { outcome: 'success', path: 'passcode' })).to.equal(1);
    expect(sample(after, 'factorgate_logins_finished_total', { outcome: 'tfa_unavailable' })).to.equal(1);
    expect(sample(after, 'factorgate_logins_waiting')).to.equal(0);
    expect(sample(after, 'factorgate_callout_duration_seconds_count', { command: 'verifyPasscode', outcome: '2xx' })).to.equal(1);
    expect(sample(after, 'factorgate_callout_duration_seconds_count', { command: 'auth', outcome: '5xx' })).to.equal(1);
    expect(sample(after, 'factorgate_passthrough_request_duration_seconds_count', { status: '2xx' })).to.equal(1);
    expect(sample(after, 'factorgate_login_duration_seconds_count', { outcome: 'success' })).to.equal(1);
    expect(sample(after, 'factorgate_login_duration_seconds_count', { outcome: 'tfa_unavailable' })).to.equal(1);
    expect(sample(after, 'factorgate_store_up')).to.equal(1);
  });

  it('counts rate-limit refusals by limit', async () => {
    h = await startHarness({ limits: { loginStartsPerClient: 1 } });
    new AnakamScript().passcodeSent('alice', KEY);
    await startLogin(h.browser(), 'alice', 'alice-pw');
    await startLogin(h.browser(), 'bob', 'bob-pw');
    expect(sample(await scrape(h), 'factorgate_rate_limit_refusals_total', { limit: 'starts-client' })).to.equal(1);
  });

  it('is off the public listener: its own port, on loopback, says the start-up line', async () => {
    const port = await freePort();
    h = await startHarness({ metrics: { port } });
    expect((await h.browser().get('/metrics')).status).to.equal(404);
    expect(h.fg.metricsUrl).to.equal(`http://127.0.0.1:${port}/metrics`);
    expect(h.logs.lines.find((l) => l.event === 'listening')).to.include({ metrics: h.fg.metricsUrl });
    expect(await scrape(h)).to.include('factorgate_logins_started_total');
  });

  it('keeps the names stock Node.js dashboards read, and says which build this is', async () => {
    h = await startHarness();
    const text = await scrape(h);
    expect(sample(text, 'process_cpu_user_seconds_total')).to.be.greaterThan(0);
    expect(text).to.match(/^nodejs_eventloop_lag_seconds /m);
    expect(text).not.to.include('factorgate_process_');
    expect(sample(text, 'factorgate_build_info', { version: VERSION, node: process.versions.node })).to.equal(1);
  });

  it('reports each dependency\'s health, without making the instance unready', async () => {
    h = await startHarness(); // the two-factor server is a nock host that does not exist on the network
    const text = await scrape(h);
    expect(sample(text, 'factorgate_dependency_up', { dependency: 'gateway' })).to.equal(1);
    expect(sample(text, 'factorgate_dependency_up', { dependency: 'store' })).to.equal(1);
    expect(text).to.match(/^factorgate_dependency_up\{dependency="anakam"\} 0$/m);
    expect((await h.browser().get('/readyz')).status).to.equal(200);
  });
});
