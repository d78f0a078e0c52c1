import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import type { LinotpSimulator } from '../../../src/demo/simulators/linotp/index.js';
import { launchBrowser, newContext } from '../../e2e/browser.js';
import { LinotpClient, startLinotp } from './linotp.helpers.js';

// The phone page in a real browser: its plain forms must work as a person uses them. This is
// where a Referrer-Policy of no-referrer would show (the browser then sends `Origin: null`
// with the page's own posts, which the simulator refuses).
describe('linotp simulator: the phone page in a real browser', function () {
  this.timeout(30_000);
  let browser: Browser;
  let context: BrowserContext;
  let sim: LinotpSimulator;
  let client: LinotpClient;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => {
    ({ sim, client } = await startLinotp({ clock: { now: () => Date.now() } }));
    context = await newContext(browser, { javaScriptEnabled: false });
  });
  afterEach(async () => {
    await context?.close();
    await sim.close();
  });

  it('a tap on the right number approves the login, a tap on Deny denies the next', async () => {
    const approved = await client.push('bob', '1234', { number: '42' });
    const page = await context.newPage();
    await page.goto(`${sim.url}/phone/bob`);
    await page.click(`#tx-${approved} button[name="number"][value="42"]`);
    await page.waitForURL(/\/phone\/bob\?result=accepted$/);
    expect(await page.textContent('.result')).to.match(/Allowed/);
    expect(await client.statusOf(approved)).to.include({ status: 'closed', valid_tan: true, accept: true });

    const denied = await client.push('bob', '1234', { number: '17' });
    await page.goto(`${sim.url}/phone`);
    await page.click(`#tx-${denied} button.deny`);
    await page.waitForURL(/\/phone\?result=denied$/);
    expect(await client.statusOf(denied)).to.include({ status: 'closed', reject: true });
  });

  it('a tap on a decoy rejects the login', async () => {
    const tid = await client.push('dave', '4321', { number: '42' });
    const page = await context.newPage();
    await page.goto(`${sim.url}/phone`);
    const decoy = sim.pending('dave')[0]!.choices.find((n) => n !== 42)!;
    await page.click(`#tx-${tid} button[name="number"][value="${decoy}"]`);
    await page.waitForURL(/result=rejected$/);
    expect(await client.statusOf(tid, 'dave', '4321')).to.include({ status: 'closed', valid_tan: false, reject: true });
  });
});
