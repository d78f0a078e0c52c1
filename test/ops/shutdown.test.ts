import { expect } from 'chai';
import { once } from 'node:events';
import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import { TestBrowser } from '../helpers/browser.js';
import { startFactorgateProcess } from '../helpers/factorgate_process.js';

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
    const { child, url } = await startFactorgateProcess(env(sims));
    const browser = new TestBrowser(url);
    const page = await browser.get('/vpn/index.html');
    sims.anakam.setFault({ latencyMs: 400 }); // each of the three callouts of a login start waits this long
    const inFlight = browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-demo-pw', fg_csrf: TestBrowser.formToken(page.body) });
    await new Promise((r) => setTimeout(r, 200)); // the login is now waiting on the slow two-factor server
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const reply = await inFlight;
    expect(reply.json().status).to.equal('challenge');
    const [code] = await exited;
    expect(code).to.equal(0);
    const after = await fetch(`${url}/healthz`).then(() => 'answered', () => 'refused');
    expect(after).to.equal('refused');
  });
});
