import { expect } from 'chai';
import { once } from 'node:events';
import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import { TestBrowser } from '../helpers/browser.js';
import { startFactorgateProcess, untilOutput } from '../helpers/factorgate_process.js';
import { heldRelay } from '../helpers/held_relay.js';

const env = (sims: RunningSimulators) => ({
  FACTORGATE_GATEWAY_URL: sims.gatewayUrl, FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl, FACTORGATE_ANAKAM_API_USER: 'ops',
  FACTORGATE_ANAKAM_API_PASSWORD: 'ops-api-password', FACTORGATE_SECRET: 'ops-secret-0123456789-0123456789-abcdef',
});

describe('operations: graceful shutdown on SIGTERM', function () {
  this.timeout(30_000);
  let sims: RunningSimulators;
  beforeEach(async () => { sims = await startSimulators({ anakam: { apiUser: 'ops', apiPassword: 'ops-api-password' } }); });
  afterEach(async () => { await sims.close(); });

  it('finishes the login in flight, then stops accepting and exits 0', async () => {
    const relay = await heldRelay(sims.anakamUrl); // holds the login's callouts until the stop has begun
    const { child, url, output } = await startFactorgateProcess({ ...env(sims), FACTORGATE_ANAKAM_BASE_URL: relay.url });
    const browser = new TestBrowser(url);
    const page = await browser.get('/vpn/index.html');
    const inFlight = browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-demo-pw', fg_csrf: TestBrowser.formToken(page.body) });
    await relay.arrived; // the login is now waiting on the two-factor server
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await untilOutput(child, output, (text) => text.includes('"event":"stopping"'));
    relay.release();
    const reply = await inFlight;
    expect(reply.json().status).to.equal('challenge');
    const [code] = await exited;
    expect(code).to.equal(0);
    const after = await fetch(`${url}/healthz`).then(() => 'answered', () => 'refused');
    expect(after).to.equal('refused');
    expect(output()).to.match(/"event":"stopped"/);
    await relay.close();
  });
});
