import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { inDialog, keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';

// otp.withoutDevice: enrol in a real browser: erin has no authenticator app, so right after her
// password the login dialog shows a QR code; the first code from the app signs her in.

describe('end to end in a real browser: a first authenticator app registered during the login', function () {
  this.timeout(30_000);
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  afterEach(async function () {
    await keepScreenshot(page, this.currentTest?.fullTitle() ?? 'enrol');
    await context?.close();
    await stack?.close();
  });

  it('the dialog shows the QR code and the key; the app\'s first code lands erin on the portal', async () => {
    stack = await startStack({}, { FACTORGATE_OTP_WITHOUT_DEVICE: 'enrol' });
    context = await newContext(browser);
    page = await context.newPage();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    await page.fill('input[name="login"]', 'erin');
    await page.fill('input[name="passwd"]', 'erin-demo-pw');
    await page.click('form [type="submit"]');
    await page.waitForSelector('#fg-enrol:visible');
    expect(await page.textContent('#fg-title')).to.equal('Set up your authenticator app');
    expect(await page.textContent('label[for="fg-passcode"]')).to.equal('Code from the app');
    expect(await page.isVisible('#fg-resend')).to.equal(false); // nothing to send again
    expect(await page.isVisible('#fg-passcode-form a.fg-recovery')).to.equal(false); // a recovery code leads here, not out
    // The QR code really loaded (an image the browser could decode), from factorgate.
    await page.waitForFunction(`${inDialog('#fg-qr')}.naturalWidth > 0`);
    const uri = (await page.getAttribute('#fg-setup-link', 'href'))!;
    expect(uri).to.match(/^otpauth:\/\/totp\/factorgate:erin\?/);
    const secret = new URL(uri).searchParams.get('secret')!;
    expect((await page.textContent('#fg-setup-key'))!.replace(/ /g, '')).to.equal(secret);
    const app = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' });
    await page.fill('#fg-passcode', app.generate());
    await page.click('#fg-verify');
    await page.waitForURL(/\/portal\//);
    expect(await page.textContent('body')).to.include('erin');
  });
});
