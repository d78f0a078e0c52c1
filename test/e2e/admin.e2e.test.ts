import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations } from './axe.js';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { VIEWPORTS, widerThanViewport } from './fit.js';
import { adminSignIn, aliceWaiting, startAdminStack, type AdminStack } from './admin_stack.js';

describe('end to end in a real browser: /admin', function () {
  this.timeout(120_000);
  let browser: Browser;
  let admin: AdminStack;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
    admin = await startAdminStack();
  });
  after(async () => {
    await keepScreenshot(page, 'admin last page');
    await context?.close();
    await browser?.close();
    await admin?.stack.close();
  });

  /** No axe violation and nothing wider than the screen, at a laptop's size and a phone's. */
  async function checkAtEverySize(what: string): Promise<void> {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      expect(await axeViolations(page), `${what} at ${viewport.name}`).to.deep.equal([]);
      expect(await widerThanViewport(page), `${what} at ${viewport.name}`).to.deep.equal([]);
    }
  }

  it('signs in with password and code, shows a user and the sign-ins waiting, and ends one', async () => {
    const closeAlice = await aliceWaiting(browser, admin.stack);
    // The pages need no script; it stays on so that axe-core can run in them.
    context = await newContext(browser);
    page = await context.newPage();
    await adminSignIn(page, admin);

    await page.fill('#fg-user', 'alice');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('h1:has-text("User alice")');
    expect(await page.textContent('main')).to.contain('Sign-ins waiting now').and.contain('anakam');
    await checkAtEverySize('the user page');

    await page.click('a:has-text("Sign-ins now")');
    await page.waitForSelector('h1:has-text("Sign-ins waiting now")');
    await checkAtEverySize('the live view');
    await page.click('button:has-text("End this sign-in")');
    await page.waitForSelector('text=The sign-in is ended');
    expect(await page.$('button:has-text("End this sign-in")')).to.equal(null);
    const audit = admin.stack.logs.lines.find((l) => l.event === 'admin_action');
    expect(audit).to.deep.include({ actor: 'erin', action: 'login_end', user: 'alice', outcome: 'done' });
    await closeAlice();
  });
});
