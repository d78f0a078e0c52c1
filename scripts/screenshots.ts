// Screenshots of factorgate's pages for the README, run by hand (not in CI):
//
//   node --import tsx scripts/screenshots.ts [state ...]
//
// It starts the demo's servers (the three simulators and factorgate, on free localhost ports),
// drives Debian's chromium (/usr/bin/chromium, or CHROMIUM_PATH) through playwright-core into
// each state below, and writes docs/screenshots/<state>-<width>x<height>.png at each size. With
// names, only those states. To add a state: one entry in STATES, a function that takes a fresh
// page of a fresh stack to where the picture is taken, or the name of a state of
// test/e2e/page_states.ts (the states the accessibility test walks), reached the same way.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { launchBrowser } from '../test/e2e/browser.js';
import { startStack, type Stack } from '../test/e2e/stack.js';
import { PAGE_STATES } from '../test/e2e/page_states.js';
import { adminSignIn, aliceWaiting, startAdminStack, type AdminStack } from '../test/e2e/admin_stack.js';

const OUT = join(process.cwd(), 'docs', 'screenshots');
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

type State = { javaScript?: boolean; /** A stack other than the demo's. */ stack?: () => Promise<Stack>; open(page: Page, stack: Stack): Promise<void> };

const ERIN = { user: 'erin', password: 'erin-demo-pw' };

const codeFrom = (uri: string): string => new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

async function manageSignIn(page: Page, stack: Stack): Promise<void> {
  await page.goto(`${stack.fg.url}/manageotp`);
  await page.fill('#fg-username', ERIN.user);
  await page.fill('#fg-password', ERIN.password);
  await page.click('button:has-text("Sign in")');
  await page.waitForSelector('button:has-text("Add device")');
}

/** Adds a device and stops at its setup page (QR code and key); gives the otpauth:// link. */
async function addApp(page: Page, name: string): Promise<string> {
  await page.fill('#fg-name', name);
  await page.click('button:has-text("Add device")');
  await page.waitForSelector('#fg-setup-key');
  return (await page.getAttribute('a[href^="otpauth://"]', 'href'))!;
}

/** alice signs in by passcode with "Remember this browser" ticked, through to the gateway's portal. */
async function rememberedSignIn(page: Page, stack: Stack): Promise<void> {
  const before = stack.sims.anakam.lastPasscode('alice');
  await page.goto(`${stack.fg.url}/vpn/index.html`);
  await page.fill('input[name="login"]', 'alice');
  await page.fill('input[name="passwd"]', 'alice-demo-pw');
  await page.click('form [type="submit"]');
  await page.waitForSelector('#fg-passcode:visible');
  let passcode = stack.sims.anakam.lastPasscode('alice');
  for (let i = 0; i < 100 && (passcode === undefined || passcode === before); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    passcode = stack.sims.anakam.lastPasscode('alice');
  }
  await page.fill('#fg-passcode', passcode!);
  await page.check('#fg-remember');
  await page.click('#fg-verify');
  await page.waitForURL(/\/portal\//);
}

/** A state of the accessibility test's table, reached as that test reaches it. */
function pageState(name: string): State {
  const state = PAGE_STATES.find((s) => s.name === name);
  if (!state) throw new Error(`test/e2e/page_states.ts has no state "${name}"`);
  const none = async (): Promise<never> => { throw new Error(`state "${name}" needs what only the test sets up`); };
  return {
    javaScript: state.javaScript,
    open: (page, stack) => state.reach({ stack, page, origin: stack.fg.url, erinCode: none, recoveryCode: none, unlock: none, passkeys: [], on: none }),
  };
}

export const STATES: Record<string, State> = {
  'login-password': pageState('login page'),
  'login-passcode': pageState('dialog: passcode by e-mail'),
  'push-number': pageState('dialog: push waiting, number shown'),
  'push-no-script': pageState('no script: push waiting, number shown'),
  'manageotp-sign-in': {
    async open(page, stack) {
      await page.goto(`${stack.fg.url}/manageotp`);
    },
  },
  'manageotp-devices': {
    async open(page, stack) {
      await manageSignIn(page, stack);
      const uri = await addApp(page, 'work phone');
      await page.fill('#fg-confirm-code', codeFrom(uri));
      await page.click('button:has-text("Finish setup")');
      await page.waitForSelector('text=The device is set up');
    },
  },
  'manageotp-browsers': {
    // Two browsers remembered at sign-in (this one the second), then the list opened at /manageotp.
    async open(page, stack) {
      for (let browser = 1; browser <= 2; browser++) {
        await page.context().clearCookies();
        await rememberedSignIn(page, stack);
      }
      await page.goto(`${stack.fg.url}/manageotp`);
      await page.fill('#fg-username', 'alice');
      await page.fill('#fg-password', 'alice-demo-pw');
      await page.click('form[action="/manageotp/signin"] [type="submit"]');
      await page.click('#fg-browsers summary');
      await page.waitForSelector('#fg-browsers .fg-this-browser');
    },
  },
  'manageotp-add-app': {
    async open(page, stack) {
      await manageSignIn(page, stack);
      await addApp(page, 'work phone');
    },
  },
  'admin-user': {
    stack: async () => (admin = await startAdminStack()).stack,
    async open(page, stack) {
      await aliceWaiting(page.context().browser()!, stack);
      await adminSignIn(page, admin);
      await page.goto(`${stack.fg.url}/admin/users/alice`);
    },
  },
  'admin-live': {
    stack: async () => (admin = await startAdminStack()).stack,
    async open(page, stack) {
      await aliceWaiting(page.context().browser()!, stack);
      await adminSignIn(page, admin);
      await page.goto(`${stack.fg.url}/admin/logins`);
    },
  },
};

/** The /admin states' stack, whose administrator's app gives the codes. */
let admin: AdminStack;

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !(name in STATES));
  if (unknown.length > 0) throw new Error(`no such state: ${unknown.join(', ')} (known: ${Object.keys(STATES).join(', ')})`);
  mkdirSync(OUT, { recursive: true });
  const browser = await launchBrowser();
  try {
    for (const [name, state] of Object.entries(STATES)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      for (const size of SIZES) {
        const stack = await (state.stack ?? startStack)();
        const context = await browser.newContext({ viewport: size, javaScriptEnabled: state.javaScript ?? true });
        try {
          context.setDefaultTimeout(10_000);
          const page = await context.newPage();
          await state.open(page, stack);
          const file = join(OUT, `${name}-${size.width}x${size.height}.png`);
          await page.screenshot({ path: file, fullPage: true });
          console.log(`wrote ${file}`);
        } finally {
          await context.close();
          await stack.close();
        }
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
