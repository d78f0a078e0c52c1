import { expect } from 'chai';
import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { startFactorgateProcess, type FactorgateProcess } from '../helpers/factorgate_process.js';
import { TestBrowser } from '../helpers/browser.js';

const ALICE = { login: 'alice', passwd: 'alice-demo-pw' };

describe('several instances sharing Redis', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let sims: RunningSimulators;
  let instances: FactorgateProcess[] = [];

  const start = async (extra: Record<string, string> = {}) => {
    const instance = await startFactorgateProcess({
      FACTORGATE_GATEWAY_URL: sims.gatewayUrl, FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl,
      FACTORGATE_ANAKAM_API_USER: 'multi', FACTORGATE_ANAKAM_API_PASSWORD: 'multi-api-password',
      FACTORGATE_SECRET: 'shared-secret-0123456789-0123456789-abc',
      FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: redis.url, FACTORGATE_HEALTH_CHECK_INTERVAL_MS: '500',
      ...extra,
    });
    instances.push(instance);
    return instance;
  };

  /** The login form posted to one instance, the first factor through another. */
  async function startLoginOn(browser: TestBrowser, pageFrom: FactorgateProcess, postTo: FactorgateProcess) {
    const page = await browser.get(`${pageFrom.url}/vpn/index.html`);
    return browser.postJson(`${postTo.url}/mfa/login`, { ...ALICE, fg_csrf: TestBrowser.formToken(page.body) });
  }

  beforeEach(async () => {
    redis = await startRedisServer();
    sims = await startSimulators({ anakam: { apiUser: 'multi', apiPassword: 'multi-api-password' } });
  });
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    await sims.close();
    await redis.stop();
  });

  it('a login spread over three steps on two instances completes', async () => {
    const [a, b] = [await start(), await start()];
    const browser = new TestBrowser(a.url);
    const started = await startLoginOn(browser, a, b);
    expect(started.json().status).to.equal('challenge');
    const page = await browser.get(`${a.url}/mfa/passcode`);
    expect(page.body).to.include(started.json().csrf);
    const done = await browser.postJson(`${b.url}/mfa/passcode`, { passcode: sims.anakam.lastPasscode('alice')!, csrf: started.json().csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/portal/' });
    expect((await browser.get(`${a.url}/portal/`)).body).to.include('alice');
  });

  it('rate limits count across instances', async () => {
    const [a, b] = [await start({ FACTORGATE_LIMITS_LOGIN_STARTS_PER_USER: '2' }), await start({ FACTORGATE_LIMITS_LOGIN_STARTS_PER_USER: '2' })];
    expect((await startLoginOn(new TestBrowser(a.url), a, a)).json().status).to.equal('challenge');
    expect((await startLoginOn(new TestBrowser(b.url), b, b)).json().status).to.equal('challenge');
    const third = await startLoginOn(new TestBrowser(a.url), a, a);
    expect(third.status).to.equal(429);
  });

  it('an instance killed with SIGKILL mid-login loses nothing: another one finishes it', async () => {
    const [a, b] = [await start(), await start()];
    const browser = new TestBrowser(a.url);
    const started = (await startLoginOn(browser, a, a)).json();
    a.child.kill('SIGKILL');
    await new Promise((r) => a.child.once('exit', r));
    const done = await browser.postJson(`${b.url}/mfa/passcode`, { passcode: sims.anakam.lastPasscode('alice')!, csrf: started.csrf });
    expect(done.json().status).to.equal('done');
  });

  it('Redis down: logins fail closed with a clear page, pass-through flows, readiness says so; back up: logins work again', async () => {
    const a = await start();
    const browser = new TestBrowser(a.url);
    await redis.stop();
    const refused = await startLoginOn(browser, a, a);
    expect(refused.status).to.equal(503);
    expect(refused.json().code).to.equal('store_unavailable');
    expect(refused.json().message).to.include('Try again in a minute');
    expect((await browser.get(`${a.url}/portal/`)).status).to.equal(302); // pass-through: the gateway answers
    await new Promise((r) => setTimeout(r, 600));
    const ready = await browser.get(`${a.url}/readyz`);
    expect(ready.status).to.equal(503);
    expect(ready.json().checks.store).to.equal('failing');
    expect(a.output()).to.include('"event":"login_failed"');

    await redis.restart();
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await browser.get(`${a.url}/readyz`)).status;
    }
    expect(status).to.equal(200);
    expect((await startLoginOn(browser, a, a)).json().status).to.equal('challenge');
  });
});

describe('several instances sharing Redis: push', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let sims: RunningSimulators;
  let instances: FactorgateProcess[] = [];

  beforeEach(async () => {
    redis = await startRedisServer();
    sims = await startSimulators({ anakam: { apiUser: 'multi', apiPassword: 'multi-api-password' }, linotp: { otppin: 1 } });
  });
  afterEach(async () => {
    await Promise.all(instances.map((i) => i.stop()));
    instances = [];
    await sims.close();
    await redis.stop();
  });

  /** Reads one page's event stream until a verdict other than open. */
  async function verdictOn(instance: FactorgateProcess, browser: TestBrowser): Promise<string> {
    const res = await fetch(`${instance.url}/mfa/push/events`, { headers: { Cookie: await browser.jar.getCookieString(`${instance.url}/mfa/`) } });
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended: ${text}`);
      text += new TextDecoder().decode(value);
      const final = [...text.matchAll(/"verdict":"(\w+)"/g)].map((m) => m[1]).find((v) => v !== 'open');
      if (final) {
        await reader.cancel();
        return final;
      }
    }
  }

  // The poller lease lives in Redis, so only one instance polls; the other tab hears through pub/sub.
  it('a push approved while two tabs wait on two instances reaches both', async () => {
    const env = {
      FACTORGATE_GATEWAY_URL: sims.gatewayUrl, FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl, FACTORGATE_ANAKAM_API_USER: 'multi',
      FACTORGATE_ANAKAM_API_PASSWORD: 'multi-api-password', FACTORGATE_SECRET: 'shared-secret-0123456789-0123456789-abc',
      FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: redis.url,
      FACTORGATE_LINOTP_URLS: sims.linotpUrl, FACTORGATE_PROVIDERS_DEFAULT: 'push', FACTORGATE_LINOTP_POLL_INTERVAL_MS: '300',
    };
    const a = await startFactorgateProcess(env);
    const b = await startFactorgateProcess(env);
    instances.push(a, b);
    const browser = new TestBrowser(a.url);
    const page = await browser.get(`${a.url}/vpn/index.html`);
    const started = (await browser.postJson(`${a.url}/mfa/login`, { login: 'dave', passwd: 'dave-demo-pw', fg_csrf: TestBrowser.formToken(page.body) })).json();
    expect(started.challenge.kind).to.equal('push');
    const onA = verdictOn(a, browser);
    const onB = verdictOn(b, browser);
    await new Promise((r) => setTimeout(r, 500));
    const tid = sims.linotp.pending('dave')[0]!.transactionid;
    expect(sims.linotp.approve(tid, started.challenge.number)).to.equal('accepted');
    expect(await Promise.all([onA, onB])).to.deep.equal(['approved', 'approved']);
    const done = await browser.postJson(`${b.url}/mfa/push/confirm`, { csrf: started.csrf });
    expect(done.json().status).to.equal('done');
  });
});
