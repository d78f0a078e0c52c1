import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { LINOTP_URL, LinotpScript } from '../helpers/linotp_script.js';
import { createLinotpSimulator, type LinotpSimulator } from '../../src/demo/simulators/linotp/index.js';
import type { TestBrowser } from '../helpers/browser.js';

// One clock for the page and the phone, and nothing left to approve once the login stops waiting:
// factorgate against the real push simulator, both on one fake clock.

const ALICE = { password: 'alice-pw', push: { pin: '0000' } };

describe('push: one clock, and every push the login stops waiting for is withdrawn', function () {
  this.timeout(20_000);
  let h: Harness;
  let sim: LinotpSimulator;
  let clock: FakeClock;
  let dir: string | undefined;

  async function start(overrides: Record<string, unknown> = {}): Promise<TestBrowser> {
    clock = new FakeClock();
    sim = createLinotpSimulator({ users: { alice: ALICE }, otppin: 1, clock });
    await sim.listen();
    h = await startHarness({
      linotp: { urls: [sim.url], withdrawPushes: true, pollIntervalMs: 200 }, providers: { default: 'push_with_code' }, ...overrides,
    }, { clock });
    return h.browser();
  }
  afterEach(async () => {
    await h.close();
    await sim.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** Every push alice was ever sent, but `except`, tapped Allow on with the right number: none may go through. */
  const approvable = (except?: string) => sim.transactions('alice').filter((tx) => tx.transactionid !== except)
    .map((tx) => sim.approve(tx.transactionid)).filter((outcome) => outcome !== 'expired');

  it('the page waits exactly as long as the phone offers the push, and a late Allow is expired on the phone', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const [tx] = sim.pending('alice');
    expect(started.challenge.secondsLeft * 1000).to.equal(Date.parse(tx!.expiresAt) - clock.now());
    clock.advance(started.challenge.secondsLeft * 1000);
    const timedOut = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
    expect(timedOut.notice.code).to.equal('push_expired');
    expect(approvable()).to.deep.equal([]);
    expect(sim.pending('alice')).to.deep.equal([]);
  });

  it('cancel withdraws the push: the phone no longer offers it, and Allow says expired', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(sim.pending('alice')).to.have.length(1);
    expect((await browser.postJson('/mfa/cancel', { csrf: started.csrf })).json().status).to.equal('cancelled');
    expect(sim.pending('alice')).to.deep.equal([]);
    expect(approvable()).to.deep.equal([]);
    expect(h.logs.lines.find((l) => l.event === 'push_withdrawn')).to.include({ user: 'alice', withdrawn: true });
  });

  it('resend withdraws the old push: only the new one can be approved, and it lets the user in', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const resent = (await browser.postJson('/mfa/resend', { csrf: started.csrf })).json();
    expect(resent.notice.code).to.equal('push_resent');
    const pending = sim.pending('alice');
    expect(pending).to.have.length(1);
    expect(pending[0]!.number).to.equal(resent.challenge.number);
    expect(approvable(pending[0]!.transactionid)).to.deep.equal([]);
    expect(sim.approve(pending[0]!.transactionid)).to.equal('accepted');
    expect((await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json().status).to.equal('done');
  });

  it('"use another way" withdraws the push before the next way is asked for', async () => {
    const device = await registeredDevice(new FakeClock());
    dir = device.dir;
    const flows = (parseYaml(readFileSync(new URL('../../fixtures/flows/push-otp-fallback.yaml', import.meta.url), 'utf8')) as { flows: unknown }).flows;
    const browser = await start({ flows, otp: { enabled: true, sqlite: { path: device.path } } });
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(started.another).to.equal(true);
    expect((await browser.postJson('/mfa/another', { csrf: started.csrf })).json().status).to.equal('ask');
    expect(sim.pending('alice')).to.deep.equal([]);
    expect(approvable()).to.deep.equal([]);
  });

  it('a tab closed without cancelling: the same browser\'s next login withdraws the push the earlier one left on the phone', async () => {
    const browser = await start();
    await startLogin(browser, 'alice', 'alice-pw');
    const [earlier] = sim.pending('alice');
    const again = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(again.status).to.equal('challenge');
    const pending = sim.pending('alice');
    expect(pending).to.have.length(1);
    expect(pending[0]!.transactionid).to.not.equal(earlier!.transactionid);
    expect(sim.approve(earlier!.transactionid), 'the left push, approved late').to.equal('expired');
    expect(approvable(pending[0]!.transactionid)).to.deep.equal([]);
    expect(sim.approve(pending[0]!.transactionid)).to.equal('accepted');
    expect((await browser.postJson('/mfa/push/confirm', { csrf: again.csrf })).json().status).to.equal('done');
  });

  it('a new login of the same user in another browser ends the earlier login and withdraws its push', async () => {
    const first = await start();
    const left = (await startLogin(first, 'alice', 'alice-pw')).json();
    const [earlier] = sim.pending('alice');
    const second = h.browser();
    const now = (await startLogin(second, 'alice', 'alice-pw')).json();
    expect(now.status).to.equal('challenge');
    expect(sim.pending('alice')).to.have.length(1);
    expect(sim.approve(earlier!.transactionid)).to.equal('expired');
    expect(h.logs.lines.find((l) => l.event === 'push_superseded')).to.include({ user: 'alice' });
    const stale = (await first.postJson('/mfa/push/confirm', { csrf: left.csrf })).json();
    expect(stale).to.include({ status: 'failed', code: 'no_login' });
    expect(h.logs.lines.find((l) => l.event === 'login_finished' && l.outcome === 'superseded')).to.include({ user: 'alice' });
    expect(approvable(sim.pending('alice')[0]!.transactionid)).to.deep.equal([]);
  });

  it('a login ended by wrong_state (a bad "Other options" post) withdraws its push like any other ending', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect(sim.pending('alice')).to.have.length(1);
    const refused = (await browser.postJson('/mfa/another', { csrf: started.csrf, way: '7' })).json();
    expect(refused).to.include({ status: 'failed', code: 'wrong_state' });
    expect(sim.pending('alice')).to.deep.equal([]);
    expect(approvable()).to.deep.equal([]);
    expect(h.logs.lines.find((l) => l.event === 'push_withdrawn')).to.include({ user: 'alice', withdrawn: true });
  });
});

describe('push withdrawal that fails', () => {
  let h: Harness;
  afterEach(async () => { await h.close(); });

  it('a push server without the withdrawal: cancel still ends the login, and one log line says the push stayed', async () => {
    h = await startHarness({ linotp: { urls: [LINOTP_URL], withdrawPushes: true, pollIntervalMs: 200 }, providers: { default: 'push_with_code' } });
    new LinotpScript().pushStarted('353846450659').scope.post('/validate/cancel_transaction').reply(404, 'not found');
    const browser = h.browser();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    expect((await browser.postJson('/mfa/cancel', { csrf: started.csrf })).json().status).to.equal('cancelled');
    expect(h.logs.lines.find((l) => l.event === 'push_withdraw_failed')).to.include({ user: 'alice', code: 'tfa_protocol' });
    expect(JSON.stringify(h.logs.lines)).to.not.include('alice-pw');
  });
});
