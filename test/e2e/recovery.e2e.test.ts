import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { Keyring } from '../../src/security/keyring.js';
import { RecoveryCodes } from '../../src/security/recovery_codes.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';

// A recovery code from the help desk in a real browser: alice has lost the device her passcode
// goes to. From the login dialog she follows "Lost your device? Use a recovery code from your help
// desk", types the code, sets up a new authenticator app, and its first code signs her in. The
// code then never works again.

describe('end to end in a real browser: a recovery code signs in once and sets up a new app', function () {
  this.timeout(45_000);
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  afterEach(async function () {
    await keepScreenshot(page, this.currentTest?.fullTitle() ?? 'recovery');
    await context?.close();
    await stack?.close();
  });

  async function signInUpToPasscode(): Promise<void> {
    context = await newContext(browser);
    page = await context.newPage();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    await page.fill('input[name="login"]', 'alice');
    await page.fill('input[name="passwd"]', 'alice-demo-pw');
    await page.click('form [type="submit"]');
    await page.waitForSelector('#fg-passcode:visible');
  }

  it('from the dialog to a new app and the portal, once; the same code is refused the next time', async () => {
    const store = new MemoryStore();
    stack = await startStack({}, {}, { store });
    const { code } = await new RecoveryCodes(store, new Keyring(stack.config.secret), Date.now).issue('alice', 1);

    await signInUpToPasscode();
    // alice has no other way: the recovery code is shown plainly, not under "Other options".
    await page.click('#fg-passcode-form a.fg-recovery');
    await page.waitForURL(/\/mfa\/recovery$/);
    await page.fill('input[name="code"]', code);
    await page.click('form[action="/mfa/recovery"] [type="submit"]');
    await page.waitForSelector('.fg-key');
    const uri = (await page.getAttribute('a[href^="otpauth:"]', 'href'))!;
    const app = new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.fill('#fg-passcode', app.generate());
    await page.click('form[action="/mfa/passcode"] [type="submit"]');
    await page.waitForURL(/\/portal\//);
    expect(await page.textContent('body')).to.include('alice');
    await context.close();

    await signInUpToPasscode();
    await page.click('#fg-passcode-form a.fg-recovery');
    await page.fill('input[name="code"]', code);
    await page.click('form[action="/mfa/recovery"] [type="submit"]');
    await page.waitForSelector('[role="alert"]');
    expect(await page.textContent('[role="alert"]')).to.include('That recovery code was not right');
    expect(page.url()).not.to.match(/\/portal\//);
  });
});
