import { expect } from 'chai';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { FakeClock } from '../helpers/clock.js';
import { createLinotpSimulator, type LinotpSimulator } from '../../src/demo/simulators/linotp/index.js';
import type { TestBrowser } from '../helpers/browser.js';

// What the push pages say and offer, against the real push simulator on the test's clock: a wrong
// number is a slip to recover from, and the page without a script reloads itself and says what
// it still waits for.

const ALICE = { password: 'alice-pw', push: { pin: '0000' } };
const csrfOf = (body: string) => /name="csrf" value="([^"]+)"/.exec(body)![1]!;

describe('push pages: a wrong number, and the page without a script', function () {
  this.timeout(20_000);
  let h: Harness;
  let sim: LinotpSimulator;
  let clock: FakeClock;

  async function start(): Promise<TestBrowser> {
    clock = new FakeClock();
    sim = createLinotpSimulator({ users: { alice: ALICE }, otppin: 1, clock });
    await sim.listen();
    h = await startHarness({ linotp: { urls: [sim.url], withdrawPushes: true, pollIntervalMs: 200 }, providers: { default: 'push_with_code' } }, { clock });
    return h.browser();
  }
  afterEach(async () => {
    await h.close();
    await sim.close();
  });

  const wrongNumberFor = (tid: string) => sim.transactions('alice').find((tx) => tx.transactionid === tid)!.choices.find((n) => n !== sim.transactions('alice')[0]!.number)!;

  it('a wrong number picked on the phone is a slip: the login stays open, says so, and a new push lets the user in', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    const [tx] = sim.pending('alice');
    expect(sim.approve(tx!.transactionid, wrongNumberFor(tx!.transactionid))).to.equal('rejected');
    const refused = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
    expect(refused.status).to.equal('challenge');
    expect(refused.notice.code).to.equal('push_wrong_number');
    expect(refused.notice.message).to.include('different number').and.include('send a new one').and.not.include('help desk');
    expect(h.logs.lines.some((l) => l.event === 'push_wrong_number')).to.equal(true);
    const resent = (await browser.postJson('/mfa/resend', { csrf: started.csrf })).json();
    expect(sim.approve(sim.pending('alice')[0]!.transactionid)).to.equal('accepted');
    expect((await browser.postJson('/mfa/push/confirm', { csrf: resent.csrf })).json().status).to.equal('done');
  });

  it('a real Deny still ends the login with the help-desk line', async () => {
    const browser = await start();
    const started = (await startLogin(browser, 'alice', 'alice-pw')).json();
    sim.deny(sim.pending('alice')[0]!.transactionid);
    const denied = (await browser.postJson('/mfa/push/confirm', { csrf: started.csrf })).json();
    expect(denied).to.include({ status: 'failed', code: 'push_denied' });
    expect(denied.message).to.include('tell your help desk');
  });

  it('without a script: the page reloads itself when the push expires, says what it waits for, and hides what would void the push', async () => {
    const browser = await start();
    expect((await startLogin(browser, 'alice', 'alice-pw', false)).headers.get('location')).to.equal('/mfa/passcode');
    const waiting = await browser.get('/mfa/passcode');
    expect(waiting.body).to.include('<meta http-equiv="refresh" content="121; url=/mfa/passcode">');
    expect(waiting.body).to.include('Waiting for your approval: about 2 minutes left.');
    expect(waiting.body).to.include(`<p class="fg-number" aria-label="number to pick">${sim.pending('alice')[0]!.number}</p>`);
    // "Send a new notification" is only under Other options, and nothing but Continue is a primary button.
    const options = waiting.body.slice(waiting.body.indexOf('<details'), waiting.body.indexOf('</details>'));
    expect(options).to.include('<summary>Other options</summary>').and.include('Send a new notification').and.include('Or enter the code from your device');
    expect(waiting.body.replace(options, '')).to.not.include('Send a new notification');
    expect(waiting.body).to.not.include('autofocus');

    // "I approved it, continue" before approving: the page says the approval has not arrived.
    const early = await browser.post('/mfa/push/confirm', { csrf: csrfOf(waiting.body) });
    expect(early.headers.get('location')).to.equal('/mfa/passcode?notice=push_waiting');
    expect((await browser.get('/mfa/passcode?notice=push_waiting')).body).to.include('Your approval has not arrived yet.');

    clock.advance(120_000);
    const expired = await browser.get('/mfa/passcode');
    expect(expired.body).to.not.include('http-equiv="refresh"');
    expect(expired.body).to.include('did not answer in time');
    expect(expired.body).to.include('<button type="submit" autofocus>Send a new notification</button>');
    expect(expired.body).to.not.include('I approved it, continue').and.not.include('name="passcode"');
  });
});
