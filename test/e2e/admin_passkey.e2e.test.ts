import { expect } from 'chai';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { ERIN, startAdminStack, type AdminStack } from './admin_stack.js';
import { freePort } from '../helpers/processes.js';

// An administrator's own passkey as the second factor of /admin, in real Chromium with its
// virtual authenticator (as test/e2e/webauthn.e2e.test.ts): registered at /manageotp, then
// answered at /admin's code step instead of a code. WebAuthn wants a host name: http://localhost.

describe('end to end in a real browser: /admin with the administrator\'s passkey', function () {
  this.timeout(120_000);
  let browser: Browser;
  let admin: AdminStack;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;

  before(async () => {
    browser = await launchBrowser();
    const port = await freePort();
    origin = `http://localhost:${port}`;
    admin = await startAdminStack({}, { FACTORGATE_LISTEN_PORT: String(port) }, {
      overrides: { webauthn: { enabled: true, rpId: 'localhost', origins: [origin], userVerification: 'preferred' } },
    });
  });
  after(async () => {
    await browser?.close();
    await admin?.stack.close();
  });
  beforeEach(async () => {
    context = await newContext(browser);
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    // ctap2 over usb, presence always given: the key answers at once when asked.
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  });
  afterEach(async function () {
    await keepScreenshot(page, this.currentTest?.title ?? 'admin passkey');
    await context.close();
  });

  const logged = (event: string) => admin.stack.logs.lines.filter((l) => l.event === event);

  /** Signs in at /manageotp (with a code, for a user who has an app) and registers a passkey in the virtual authenticator. */
  async function registerPasskey(user: string, password: string): Promise<void> {
    await page.goto(`${origin}/manageotp`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', password);
    await page.click('button[type="submit"]');
    const step = await page.waitForSelector('#fg-code, #fg-passkey-name');
    if ((await step.getAttribute('id')) === 'fg-code') {
      await page.fill('#fg-code', await admin.code());
      await page.click('button:has-text("Continue")');
    }
    await page.fill('#fg-passkey-name', 'Blue key');
    await page.click('button:has-text("Add a passkey or security key")');
    await page.waitForURL(/\/manageotp\?m=passkey_added$/);
    await context.clearCookies();
  }

  /** The password at /admin, then the key instead of a code. */
  async function adminSignInWithKey(user: string, password: string): Promise<void> {
    await page.goto(`${origin}/admin`);
    await page.fill('#fg-username', user);
    await page.fill('#fg-password', password);
    await page.click('button:has-text("Sign in")');
    await page.click('button:has-text("Use your passkey or security key")');
  }

  it('an administrator answers the second step with their own passkey, and no code is asked', async () => {
    await registerPasskey(ERIN.user, ERIN.password);
    await adminSignInWithKey(ERIN.user, ERIN.password);
    await page.waitForSelector('h1:has-text("Find a user")');
    expect(logged('admin_signin').at(-1)).to.include({ user: 'erin', via: 'passkey' });
    // The session is a whole one: a user's page opens.
    await page.fill('#fg-user', 'alice');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('h1:has-text("User alice")');
  });

  it('someone who is no administrator passes password and passkey, and is told so, with no session', async () => {
    await registerPasskey('alice', 'alice-demo-pw');
    await adminSignInWithKey('alice', 'alice-demo-pw');
    await page.waitForSelector('text=you are not an administrator of factorgate');
    expect(logged('admin_signin_refused').at(-1)).to.include({ user: 'alice', reason: 'not_administrator' });
    await page.goto(`${origin}/admin/users/erin`);
    await page.waitForSelector('#fg-username'); // back at the sign-in form: nothing opened
  });
});
