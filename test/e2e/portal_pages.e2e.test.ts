import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { VIEWPORTS, widerThanViewport } from './fit.js';
import { startStack, type Stack } from './stack.js';

// /manageotp as a person meets it, in Chromium at a laptop's and a phone's size: every page fits
// the screen, the setup key wraps only between its groups, the focus is where the next thing is
// typed, a spaced code is taken, and the name typed survives a wrong password. (The login's own
// pages, with and without a script, are held to the same widths in every_page.e2e.test.ts.)

const ERIN = { user: 'erin', password: 'erin-demo-pw' };

const codeFrom = (uri: string, offsetSteps = 0): string => new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' })
  .generate({ timestamp: Date.now() + offsetSteps * 30_000 });

/** A code is accepted once per 30-second step: wait for the next step, as a person would. */
async function nextStep(): Promise<void> {
  const step = Math.floor(Date.now() / 30_000);
  while (Math.floor(Date.now() / 30_000) === step) await new Promise((r) => setTimeout(r, 250));
}

for (const viewport of VIEWPORTS) {
  describe(`/manageotp in a real browser at ${viewport.width}×${viewport.height}`, function () {
    this.timeout(120_000);
    let browser: Browser;
    let stack: Stack;
    let context: BrowserContext;
    let page: Page;
    /** Every page visited, with what did not fit on it. */
    const visited: Array<{ what: string; tooWide: string[] }> = [];

    before(async () => {
      browser = await launchBrowser();
      stack = await startStack();
    });
    after(async () => {
      await keepScreenshot(page, `portal pages ${viewport.name}`);
      await context?.close();
      await browser?.close();
      await stack?.close();
    });
    beforeEach(async () => {
      await context?.close();
      context = await newContext(browser, { viewport });
      page = await context.newPage();
    });

    async function check(what: string): Promise<void> {
      await page.waitForLoadState('load');
      visited.push({ what, tooWide: await widerThanViewport(page) });
    }

    const focused = () => page.evaluate<string>("document.activeElement ? document.activeElement.id : ''");

    it('walks every page of the portal: the name kept, the key grouped, the focus after an error, a spaced code taken, a device listed', async () => {
      await page.goto(`${stack.fg.url}/manageotp`);
      await check('sign-in');
      await page.fill('#fg-username', ERIN.user);
      await page.fill('#fg-password', 'not-erins-password');
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('text=was not accepted');
      await check('sign-in refused');
      expect(await page.inputValue('#fg-username'), 'the name typed stays').to.equal(ERIN.user);
      expect(await page.inputValue('#fg-password')).to.equal('');
      expect(await focused(), 'the password is typed next').to.equal('fg-password');

      await page.fill('#fg-password', ERIN.password);
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('button:has-text("Add device")');
      await check('portal without a device');

      await page.fill('#fg-name', 'a phone with a rather long name that goes on');
      await page.click('button:has-text("Add device")');
      await page.waitForSelector('#fg-setup-key');
      await check('setup');
      expect(await page.textContent('.fg-setup-key')).to.include('Can\'t scan? Enter this key');
      // Each group of the key is on one line: a narrow screen wraps between groups only.
      const lines = await page.$$eval('#fg-setup-key span', (spans) => spans.map((s) => s.getClientRects().length));
      expect(lines.length).to.be.greaterThan(4);
      expect(lines.every((n) => n === 1), `groups split across lines: ${JSON.stringify(lines)}`).to.equal(true);
      const uri = (await page.getAttribute('a[href^="otpauth://"]', 'href'))!;
      expect((await page.textContent('#fg-setup-key'))!.replace(/ /g, '')).to.equal(new URL(uri).searchParams.get('secret'));

      await page.fill('#fg-confirm-code', codeFrom(uri, 10));
      await page.click('button:has-text("Finish setup")');
      await page.waitForSelector('text=That code was not right');
      await check('setup, wrong code');
      expect(await focused(), 'the code is typed again straight away').to.equal('fg-confirm-code');
      const code = codeFrom(uri);
      await page.keyboard.type(`${code.slice(0, 3)} ${code.slice(3)}`);
      await page.keyboard.press('Enter');
      await page.waitForSelector('text=The device is set up');
      await check('portal with a device');

      await page.click('.fg-devices a:has-text("a phone with")');
      await page.waitForSelector('#fg-test-code');
      await check('device');
      await page.click('a:has-text("Remove this device")');
      await page.waitForSelector('button:has-text("Remove")');
      await check('remove');
      await page.goBack();
      await page.goto(`${stack.fg.url}/manageotp/no-such-page`);
      await check('error page');
      expect(await page.getAttribute('a.fg-button', 'href')).to.equal('/manageotp');

      await page.goto(`${stack.fg.url}/manageotp`);
      await page.click('button:has-text("Sign out")');
      await page.fill('#fg-username', ERIN.user);
      await page.fill('#fg-password', ERIN.password);
      await page.click('button:has-text("Sign in")');
      await page.waitForSelector('#fg-code');
      await check('sign-in code step');
      expect(await focused()).to.equal('fg-code');
      await nextStep();
      const next = codeFrom(uri);
      await page.fill('#fg-code', `${next.slice(0, 3)}-${next.slice(3)}`);
      await page.click('button:has-text("Continue")');
      await page.waitForSelector('text=You are signed in');
    });

    it('no page was wider than the viewport', () => {
      expect(visited.length, 'the walk reached each of its pages').to.be.at.least(10);
      expect(visited.filter((v) => v.tooWide.length > 0)).to.deep.equal([]);
    });
  });
}
