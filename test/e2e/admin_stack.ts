import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newDeviceId } from '../../src/otp/device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { Keyring } from '../../src/security/keyring.js';
import { E2E_SECRET, startStack, type Stack, type StackOptions } from './stack.js';

// The demo's stack with /admin on and erin its administrator, her authenticator app set up
// already (as /manageotp would have left it): for the end-to-end test and the screenshots.

export const ERIN = { user: 'erin', password: 'erin-demo-pw' };

export type AdminStack = { stack: Stack; /** The code erin's app shows now, one never given before. */ code(): Promise<string> };

/** `tfa`, `env`, `options`: the two-factor simulator's options, configuration and stack options, on top of the demo's. */
export async function startAdminStack(tfa: Record<string, unknown> = {}, env: Record<string, string> = {}, options: StackOptions = {}): Promise<AdminStack> {
  const path = join(mkdtempSync(join(tmpdir(), 'fg-e2e-admin-')), 'otp.sqlite');
  const devices = await SqliteDeviceStore.open({ path });
  const totp = new Totp();
  const secret = totp.generateSecret();
  const id = newDeviceId();
  await devices.add(ERIN.user, { id, name: 'work phone', sealedSecret: sealSecret(new Keyring(E2E_SECRET), ERIN.user, id, secret) });
  await devices.activate(ERIN.user, id);
  await devices.close();
  const stack = await startStack(tfa, { FACTORGATE_OTP_SQLITE_PATH: path, FACTORGATE_ADMIN_WEB_ENABLED: 'true', FACTORGATE_ADMIN_USERS: ERIN.user, ...env }, options);
  let lastStep = -1;
  return {
    stack,
    async code() {
      // A code is accepted once per 30-second step (RFC 6238 §5.2): the next step's, if this one's was given.
      while (Math.floor(Date.now() / 30_000) === lastStep) await new Promise((r) => setTimeout(r, 250));
      lastStep = Math.floor(Date.now() / 30_000);
      return totp.codeAt(secret, Date.now());
    },
  };
}

/** erin signs in to /admin with her password and her app's code, and lands on its home page. */
export async function adminSignIn(page: Page, admin: AdminStack): Promise<void> {
  await page.goto(`${admin.stack.fg.url}/admin`);
  await page.fill('#fg-username', ERIN.user);
  await page.fill('#fg-password', ERIN.password);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('#fg-code');
  await page.fill('#fg-code', await admin.code());
  await page.click('button:has-text("Continue")');
  await page.waitForSelector('h1:has-text("Find a user")');
}

/** alice starts a sign-in in a browser without script and stops at the passcode page: a sign-in waiting now. */
export async function aliceWaiting(browser: Browser, stack: Stack): Promise<() => Promise<void>> {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${stack.fg.url}/vpn/index.html`);
  await page.fill('input[name="login"]', 'alice');
  await page.fill('input[name="passwd"]', 'alice-demo-pw');
  await page.click('form [type="submit"]');
  await page.waitForURL(/\/mfa\/passcode/);
  return () => context.close();
}
