import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';

const ERIN = { user: 'erin', password: 'erin-demo-pw' };

/** What an authenticator app does with the otpauth:// link: derive the current code. */
function codeFrom(uri: string, offsetSteps = 0): string {
  const url = new URL(uri);
  const totp = new TOTP({ secret: Secret.fromBase32(url.searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: Date.now() + offsetSteps * 30_000 });
}

/** A code is accepted once per 30-second step (RFC 6238 §5.2): wait for the next step, as a person would. */
async function nextStep(): Promise<void> {
  const step = Math.floor(Date.now() / 30_000);
  while (Math.floor(Date.now() / 30_000) === step) await new Promise((r) => setTimeout(r, 250));
}

describe('end to end in a real browser: one-time-code devices and /manageotp', function () {
  this.timeout(120_000);
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    browser = await launchBrowser();
    stack = await startStack();
  });
  after(async () => {
    await keepScreenshot(page, 'manageotp last page');
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  /** Adds a device on the portal and confirms it with a code from its setup link; returns the link. */
  async function addDevice(name: string): Promise<string> {
    await page.fill('input[name="name"]', name);
    await page.click('button:has-text("Add device")');
    await page.waitForSelector('a[href^="otpauth://"]');
    expect(await page.$('svg')).to.not.equal(null); // the QR code
    const uri = (await page.getAttribute('a[href^="otpauth://"]', 'href'))!;
    expect(uri).to.match(/^otpauth:\/\/totp\/factorgate:erin\?/);
    await page.fill('input[name="code"]', codeFrom(uri));
    await page.click('button:has-text("Finish setup")');
    await page.waitForURL(/\/manageotp(\?.*)?$/);
    return uri;
  }

  async function loginWithCode(code: string): Promise<Page> {
    const tab = await context.newPage();
    await tab.goto(`${stack.fg.url}/vpn/index.html`);
    await tab.fill('input[name="login"]', ERIN.user);
    await tab.fill('input[name="passwd"]', ERIN.password);
    await tab.click('form [type="submit"]');
    await tab.waitForSelector('#fg-dialog[open]');
    await tab.fill('#fg-passcode', code);
    await tab.click('#fg-verify');
    return tab;
  }

  it('register a device, log in with it, add a second, remove the first: the removed one\'s codes are refused', async () => {
    context = await newContext(browser);
    page = await context.newPage();

    // Before any device: the code dialog says where to register one.
    const early = await context.newPage();
    await early.goto(`${stack.fg.url}/vpn/index.html`);
    await early.fill('input[name="login"]', ERIN.user);
    await early.fill('input[name="passwd"]', ERIN.password);
    await early.click('form [type="submit"]');
    await early.waitForSelector('#fg-dialog[open]');
    expect(await early.textContent('#fg-dialog')).to.include('/manageotp');
    await early.close();

    // Sign in with the password alone (no device yet), add the first device.
    await page.goto(`${stack.fg.url}/manageotp`);
    await page.fill('input[name="username"]', ERIN.user);
    await page.fill('input[name="password"]', ERIN.password);
    await page.click('button:has-text("Sign in")');
    const first = await addDevice('first phone');

    // Log in at the gateway with a code from it (the code that confirmed the device is used up).
    await nextStep();
    const tab = await loginWithCode(codeFrom(first));
    await tab.waitForURL(/\/portal\//);
    expect(await tab.textContent('body')).to.include('erin');
    await tab.close();

    // Now the portal asks for a code too: a stolen password alone cannot add a device.
    await page.click('button:has-text("Sign out")');
    await page.fill('input[name="username"]', ERIN.user);
    await page.fill('input[name="password"]', ERIN.password);
    await page.click('button:has-text("Sign in")');
    await page.waitForSelector('form[action="/manageotp/code"]');
    await nextStep(); // this step's code was used at the login
    await page.fill('input[name="code"]', codeFrom(first));
    await page.click('button:has-text("Continue")');
    await page.waitForSelector('button:has-text("Add device")');

    await addDevice('second phone');
    await page.click('a:has-text("first phone")');
    await page.click('a:has-text("Remove this device")');
    await page.click('button:has-text("Remove")');
    await page.waitForURL(/\/manageotp(\?.*)?$/);
    expect(await page.textContent('body')).not.to.include('first phone');
    expect(await page.textContent('body')).to.include('second phone');

    // A code from the removed device no longer lets anyone in. (The portal checks passwords by a
    // replay to the gateway when no LDAP is configured, so the gateway has seen erin before.)
    const gatewayLogins = stack.sims.gateway.loginCount('erin', 'accepted');
    const refused = await loginWithCode(codeFrom(first, 1));
    await refused.waitForSelector('#fg-message:not([hidden])');
    expect(await refused.textContent('#fg-message')).to.match(/not right/);
    expect(stack.sims.gateway.loginCount('erin', 'accepted')).to.equal(gatewayLogins);
  });
});
