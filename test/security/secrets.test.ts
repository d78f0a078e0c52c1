import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import { loadConfig } from '../../src/config/load.js';
import { captureLogs } from '../helpers/log_capture.js';
import { TestBrowser } from '../helpers/browser.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';

const OLD_SECRET = 'old-secret-0123456789-0123456789-abcdefgh';
const NEW_SECRET = 'new-secret-0123456789-0123456789-abcdefgh';
const HEADER_SECRET = 'gateway-shared-secret-0123456789';

async function start(sims: RunningSimulators, env: Record<string, string>, logs = captureLogs(), store?: Store): Promise<RunningFactorgate> {
  const config = loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: '0', FACTORGATE_METRICS_PORT: '0', FACTORGATE_GATEWAY_URL: sims.gatewayUrl, FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl,
      FACTORGATE_ANAKAM_API_USER: 'sec', FACTORGATE_ANAKAM_API_PASSWORD: 'sec-api-password', ...env,
    },
  });
  return startFactorgate(config, { logger: logs.logger, store });
}

/** A full passcode login through factorgate with "remember this device", reading the passcode from the outbox. */
async function loginRemembering(fg: RunningFactorgate, sims: RunningSimulators, browser: TestBrowser): Promise<void> {
  const page = await browser.get('/vpn/index.html');
  const started = await browser.postJson('/mfa/login', { login: 'alice', passwd: 'alice-demo-pw', fg_csrf: TestBrowser.formToken(page.body) });
  expect(started.json().status).to.equal('challenge');
  const done = await browser.postJson('/mfa/passcode', { passcode: sims.anakam.lastPasscode('alice')!, remember: 'on', csrf: started.json().csrf });
  expect(done.json().status, JSON.stringify(done.json())).to.equal('done');
}

describe('security: secrets, key rotation and the gateway\'s shared header', () => {
  let sims: RunningSimulators;
  let running: RunningFactorgate[] = [];
  beforeEach(async () => { sims = await startSimulators({ anakam: { apiUser: 'sec', apiPassword: 'sec-api-password' }, gateway: { requireHeader: { name: 'X-Factorgate-Secret', value: HEADER_SECRET } } }); });
  afterEach(async () => {
    await Promise.all(running.map((fg) => fg.close()));
    running = [];
    await sims.close();
  });

  it('the replay carries the shared secret header, so a gateway that demands it accepts factorgate only', async () => {
    const fg = await start(sims, { FACTORGATE_SECRET: NEW_SECRET, FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: HEADER_SECRET });
    running.push(fg);
    await loginRemembering(fg, sims, new TestBrowser(fg.url));
    expect(sims.gateway.loginCount('alice', 'accepted')).to.equal(1);
    // Straight to the gateway without the header: refused by the gateway itself.
    const direct = await fetch(`${sims.gatewayUrl}/cgi/login`, { method: 'POST', body: 'login=alice&passwd=alice-demo-pw', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(direct.status).to.equal(403);
  });

  it('a device remembered under the old secret still works after rotation, and stops when the old secret is dropped', async () => {
    // One store for the three, as instances on Redis share it: the remembered browser stays listed
    // across the rotation, and only the secrets change.
    const store = new MemoryStore();
    const before = await start(sims, { FACTORGATE_SECRET: OLD_SECRET, FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: HEADER_SECRET }, captureLogs(), store);
    running.push(before);
    const browser = new TestBrowser(before.url);
    await loginRemembering(before, sims, browser);
    const device = await browser.cookie('DeviceKey');
    const sentBefore = sims.anakam.outbox().alice?.sentAt;

    const rotated = await start(sims, { FACTORGATE_SECRET: NEW_SECRET, FACTORGATE_PREVIOUS_SECRETS: OLD_SECRET, FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: HEADER_SECRET }, captureLogs(), store);
    running.push(rotated);
    const again = new TestBrowser(rotated.url);
    await again.jar.setCookie(`DeviceKey=${device}; Path=/mfa`, `${rotated.url}/mfa/`);
    const page = await again.get('/vpn/index.html');
    const reply = await again.postJson('/mfa/login', { login: 'alice', passwd: 'alice-demo-pw', fg_csrf: TestBrowser.formToken(page.body) });
    expect(reply.json().status).to.equal('done');
    expect(sims.anakam.outbox().alice?.sentAt).to.equal(sentBefore); // no passcode was needed

    const dropped = await start(sims, { FACTORGATE_SECRET: NEW_SECRET, FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: HEADER_SECRET }, captureLogs(), store);
    running.push(dropped);
    const third = new TestBrowser(dropped.url);
    await third.jar.setCookie(`DeviceKey=${device}; Path=/mfa`, `${dropped.url}/mfa/`);
    const page3 = await third.get('/vpn/index.html');
    const refused = await third.postJson('/mfa/login', { login: 'alice', passwd: 'alice-demo-pw', fg_csrf: TestBrowser.formToken(page3.body) });
    expect(refused.json().status).to.equal('challenge');
  });

  it('neither the secret, the API password nor the header secret appears in any log line', async () => {
    const logs = captureLogs('trace');
    const fg = await start(sims, { FACTORGATE_SECRET: NEW_SECRET, FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: HEADER_SECRET, FACTORGATE_LOG_LEVEL: 'trace' }, logs);
    running.push(fg);
    await loginRemembering(fg, sims, new TestBrowser(fg.url));
    expect(logs.lines.length).to.be.greaterThan(3);
    for (const secret of [NEW_SECRET, 'sec-api-password', HEADER_SECRET, 'alice-demo-pw']) expect(logs.text()).not.to.include(secret);
  });

  it('a bad configuration is reported without echoing the secrets it was given', async function () {
    this.timeout(60_000); // a guard against a hang: Node with tsx takes seconds to start on a busy machine
    const { stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
      env: { ...process.env, FACTORGATE_SECRET: 'too-short-secret', FACTORGATE_ANAKAM_API_PASSWORD: 'api-password-in-env', FACTORGATE_ANAKAM_BASE_URL: 'not a url' },
    }).catch((err: { stderr: string; code: number }) => {
      expect(err.code).to.equal(2);
      return err;
    });
    expect(stderr).to.include('secret: must be at least 32 characters');
    expect(stderr).to.include('anakam.baseUrl');
    expect(stderr).not.to.include('too-short-secret');
    expect(stderr).not.to.include('api-password-in-env');
  });
});
