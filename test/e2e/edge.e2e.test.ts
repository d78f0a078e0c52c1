import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';
import { EDGE_KINDS, startEdgeProxy, type RunningEdge } from '../../src/edge/run_edge.js';

// Whole logins in a real browser through a real nginx and HAProxy running the configuration
// `factorgate edge` generates: the login page and the dialog from factorgate, the replay's
// session cookie, the portal straight from the gateway, a push waited for over server-sent events.

for (const kind of EDGE_KINDS) {
  describe(`end to end in a real browser, through ${kind} in edge mode`, function () {
    this.timeout(40_000);
    let browser: Browser;
    let stack: Stack;
    let edge: RunningEdge;
    let context: BrowserContext;
    let page: Page;

    before(async () => { browser = await launchBrowser(); });
    after(async () => { await browser?.close(); });
    beforeEach(async () => {
      stack = await startStack({}, { FACTORGATE_TRUST_PROXY: '127.0.0.1' });
      edge = await startEdgeProxy(kind, stack.config, { factorgateUrl: stack.fg.url });
      context = await newContext(browser);
      page = await context.newPage();
    });
    afterEach(async function () {
      await keepScreenshot(page, this.currentTest?.fullTitle() ?? 'edge');
      await context?.close();
      await edge.stop();
      await stack.close();
    });

    async function signIn(user: string, password: string): Promise<void> {
      await page.goto(`${edge.url}/vpn/index.html`);
      await page.fill('input[name="login"]', user);
      await page.fill('input[name="passwd"]', password);
      await page.click('form [type="submit"]');
    }

    it('a passcode login with "remember this device", the portal from the gateway, then a login with the device alone', async () => {
      await signIn('alice', 'alice-demo-pw');
      await page.waitForSelector('#fg-dialog[open]');
      let code: string | undefined;
      for (let i = 0; i < 50 && !code; i++, await new Promise((r) => setTimeout(r, 50))) code = stack.sims.anakam.lastPasscode('alice');
      await page.fill('#fg-passcode', code!);
      await page.check('#fg-remember');
      await page.click('#fg-verify');
      await page.waitForURL(/\/portal\//);
      expect(page.url().startsWith(edge.url)).to.equal(true);
      expect(await page.textContent('body')).to.include('alice');
      const sent = stack.sims.anakam.outbox();

      await page.click('button:has-text("Log Off")');
      await page.waitForURL(/\/vpn\/index\.html/);
      await signIn('alice', 'alice-demo-pw');
      await page.waitForURL(/\/portal\//);
      expect(stack.sims.anakam.outbox()).to.deep.equal(sent);
      expect(stack.sims.gateway.loginCount('alice')).to.equal(2);
    });

    it('a push login: the page hears the approval through the edge', async () => {
      await signIn('dave', 'dave-demo-pw');
      await page.waitForSelector('#fg-number:not([hidden])');
      const number = Number(await page.textContent('#fg-number'));
      const phone = await context.newPage();
      await phone.goto(`${stack.sims.linotpUrl}/phone`);
      await phone.click(`button[name="number"][value="${number}"]`);
      await page.waitForURL(/\/portal\//);
      expect(await page.textContent('body')).to.include('dave');
    });

    it('a direct post to /cgi/login from the page is refused at the edge and logged there', async () => {
      await page.goto(`${edge.url}/vpn/index.html`);
      const status = await page.evaluate(async () => (await fetch('/cgi/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'login=alice&passwd=alice-demo-pw' })).status);
      expect(status).to.equal(403);
      expect(stack.sims.gateway.loginCount('alice')).to.equal(0);
      // The edge writes its line as it finishes the request, a moment after the answer.
      const logged = () => edge.lines().some((l) => l.event === 'guarded_target_refused' && l.method === 'POST');
      for (let i = 0; i < 100 && !logged(); i++) await new Promise((r) => setTimeout(r, 20));
      expect(logged()).to.equal(true);
    });
  });
}
