import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { FOCUSED_ID, inDialog, keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';
import type { GatewaySimulatorOptions } from '../../src/demo/simulators/gateway/index.js';
import { waitFor } from '../helpers/wait.js';

const waitUntil = (check: () => boolean) => waitFor(check, "the gateway simulator's idle timeout");

const DAVE = { user: 'dave', password: 'dave-demo-pw' };

describe('end to end in a real browser: push approval', function () {
  this.timeout(40_000);
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  afterEach(async function () {
    const title = this.currentTest?.fullTitle() ?? 'push';
    await keepScreenshot(page, title);
    await keepScreenshot(phone, `${title} phone`);
    await context?.close();
    await stack.close();
  });

  /** The login page in one tab, the simulator's phone page in a second, as a person would have them. */
  async function loginAsDave(env: Record<string, string> = {}, gateway: GatewaySimulatorOptions = {}, pushSeconds?: number, fakeTimers = false): Promise<number> {
    stack = await startStack({}, env, { gateway, pushSeconds });
    context = await newContext(browser);
    page = await context.newPage();
    if (fakeTimers) await page.clock.install();
    phone = await context.newPage();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    await page.fill('input[name="login"]', DAVE.user);
    await page.fill('input[name="passwd"]', DAVE.password);
    await page.click('form [type="submit"]');
    await page.waitForSelector('#fg-number:not([hidden])');
    expect(await page.textContent('#fg-title')).to.equal('Approve the sign-in on your device');
    return Number(await page.textContent('#fg-number'));
  }

  it('allowed on the phone by picking the number the login page shows: the user lands on the portal', async () => {
    const number = await loginAsDave();
    expect(number).to.be.within(10, 99);
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    expect(await phone.textContent('body')).to.include('as dave from 127.0.0.1');
    await phone.click(`button[name="number"][value="${number}"]`);
    await page.waitForURL(/\/portal\//);
    expect(await page.textContent('body')).to.include('dave');
  });

  it('denied on the phone: the login page says so and nobody gets in', async () => {
    await loginAsDave();
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    await phone.click('button.deny');
    await page.waitForSelector('#fg-restart:visible');
    expect(await page.textContent('#fg-message')).to.include('denied on your device');
    expect(stack.sims.gateway.sessionCount('dave')).to.equal(0);
    expect(stack.sims.gateway.logoutCount('dave')).to.equal(1);
  });

  it('the wrong number picked on the phone is a slip: the page says so, offers a new push first, and that one lets the user in', async () => {
    const number = await loginAsDave();
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    const wrong = await phone.$$eval('button[name="number"]', (buttons, right) => buttons.map((b) => b.getAttribute('value')).find((v) => v !== String(right)), number);
    await phone.click(`button[name="number"][value="${wrong}"]`);
    await page.waitForFunction(`${inDialog('#fg-message')}.textContent.includes('different number')`);
    expect(await page.textContent('#fg-message')).to.not.include('help desk');
    expect(await page.evaluate(FOCUSED_ID)).to.equal('fg-push-resend');
    await page.click('#fg-push-resend');
    await page.waitForSelector('#fg-number:not([hidden])');
    const again = Number(await page.textContent('#fg-number'));
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    await phone.click(`button[name="number"][value="${again}"]`);
    await page.waitForURL(/\/portal\//);
  });

  it('while the push can be answered: no focused Resend, "Other options" instead, and a countdown that is not read out every second', async () => {
    await loginAsDave({}, {}, undefined, true);
    expect(await page.isVisible('#fg-push-resend')).to.equal(false);
    expect(await page.isVisible('#fg-push-resend-early')).to.equal(false);
    expect(await page.evaluate(FOCUSED_ID)).to.equal('fg-title');
    expect(await page.getAttribute('#fg-countdown', 'aria-live')).to.equal(null);
    expect(await page.textContent('#fg-countdown')).to.match(/^[12]:\d\d left$/);
    expect(await page.textContent('#fg-push-status')).to.equal('');
    await page.click('#fg-push-options');
    expect(await page.getAttribute('#fg-push-options', 'aria-expanded')).to.equal('true');
    expect(await page.isVisible('#fg-push-resend-early')).to.equal(true);
    expect(await page.isVisible('#fg-use-code')).to.equal(true);
    expect(stack.sims.linotp.pending('dave')).to.have.length(1); // opening the options voided nothing
    // The page's clock, not the test's, runs on, and only when told (paused first: an installed
    // clock otherwise keeps real time too): one announcement at 30 s, none in between. It pauses
    // a few seconds ahead of the page's now: a time already past when the pause arrives (a busy
    // machine between the two calls) is refused.
    await page.clock.pauseAt(await page.evaluate('Date.now()') as number + 5000);
    const secondsLeft = await page.textContent('#fg-countdown').then((t) => t!.split(/[: ]/).map(Number)).then(([m, s]) => m! * 60 + s!);
    await page.clock.runFor((secondsLeft - 31) * 1000);
    expect(await page.textContent('#fg-push-status')).to.equal('');
    await page.clock.runFor(1000);
    expect(await page.textContent('#fg-push-status')).to.equal('30 seconds left to approve on your device.');
    expect(await page.textContent('#fg-countdown')).to.equal('30 seconds left');
  });

  it('approved after the gateway let the held session go idle: the user still lands on the portal', async () => {
    const number = await loginAsDave({}, { sessionIdleMs: 1000 });
    expect(stack.sims.gateway.loginCount('dave', 'accepted')).to.equal(1); // the password, checked first
    await waitUntil(() => stack.sims.gateway.sessionCount('dave') === 0); // the gateway's idle timeout passed
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    await phone.click(`button[name="number"][value="${number}"]`);
    await page.waitForURL(/\/portal\//);
    expect(await page.textContent('body')).to.include('dave');
    expect(stack.sims.gateway.loginCount('dave', 'accepted')).to.equal(2);
  });

  it('the code typed by hand while the push waits lets the user in', async () => {
    await loginAsDave();
    const transaction = stack.sims.linotp.pending('dave')[0]!;
    await page.click('#fg-push-options');
    await page.click('#fg-use-code');
    await page.fill('#fg-passcode', stack.sims.linotp.codeFor(transaction.transactionid)!);
    await page.click('#fg-verify');
    await page.waitForURL(/\/portal\//);
  });

  it('no answer in time: page and phone give up together, the old push is void, "Resend notification", then allowed', async () => {
    await loginAsDave({}, {}, 10);
    const first = stack.sims.linotp.pending('dave')[0]!.transactionid;
    await page.waitForFunction(`${inDialog('#fg-message')}.textContent.includes('did not answer in time')`, undefined, { timeout: 15_000 });
    expect(stack.sims.linotp.pending('dave')).to.deep.equal([]); // the phone offers nothing any more
    expect(await page.isVisible('#fg-use-code')).to.equal(false); // the code expired with its push
    expect(await page.evaluate(FOCUSED_ID)).to.equal('fg-push-resend');
    await page.click('#fg-push-resend');
    await page.waitForSelector('#fg-number:not([hidden])');
    const number = Number(await page.textContent('#fg-number'));
    const newest = stack.sims.linotp.pending('dave');
    expect(newest).to.have.length(1);
    expect(newest[0]!.transactionid).to.not.equal(first);
    expect(stack.sims.linotp.approve(first)).to.equal('expired'); // a late Allow is told it expired
    await phone.goto(`${stack.sims.linotpUrl}/phone`);
    await phone.click(`button[name="number"][value="${number}"]`);
    await page.waitForURL(/\/portal\//);
  });
});
