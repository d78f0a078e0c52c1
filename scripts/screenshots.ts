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
import { manageSignIn, PAGE_STATES, rememberedSignIn, type Walk } from '../test/e2e/page_states.js';
import { adminSignIn, aliceWaiting, startAdminStack, type AdminStack } from '../test/e2e/admin_stack.js';

const OUT = join(process.cwd(), 'docs', 'screenshots');
const SIZES = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

type State = { javaScript?: boolean; /** A stack other than the demo's. */ stack?: () => Promise<Stack>; open(page: Page, stack: Stack): Promise<void> };

const codeFrom = (uri: string): string => new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

/** Adds a device and stops at its setup page (QR code and key); gives the otpauth:// link. */
async function addApp(page: Page, name: string): Promise<string> {
  await page.fill('#fg-name', name);
  await page.click('button:has-text("Add device")');
  await page.waitForSelector('#fg-setup-key');
  return (await page.getAttribute('a[href^="otpauth://"]', 'href'))!;
}

/** A state of the accessibility test's table, reached as that test reaches it. */
function pageState(name: string): State {
  const state = PAGE_STATES.find((s) => s.name === name);
  if (!state) throw new Error(`test/e2e/page_states.ts has no state "${name}"`);
  return { javaScript: state.javaScript, open: (page, stack) => state.reach(walkOf(page, stack, name)) };
}

/** The accessibility test's walk over this page and stack, without what only that test sets up. */
function walkOf(page: Page, stack: Stack, state: string): Walk {
  const none = async (): Promise<never> => { throw new Error(`state "${state}" needs what only the test sets up`); };
  return { stack, page, origin: stack.fg.url, erinCode: none, recoveryCode: none, unlock: none, passkeys: [], on: none };
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
      await manageSignIn(walkOf(page, stack, 'manageotp-devices'), 'erin');
      const uri = await addApp(page, 'work phone');
      await page.fill('#fg-confirm-code', codeFrom(uri));
      await page.click('button:has-text("Finish setup")');
      await page.waitForSelector('text=The device is set up');
    },
  },
  'manageotp-browsers': {
    // Two browsers remembered at sign-in (this one the second), then the list opened at /manageotp.
    async open(page, stack) {
      const walk = walkOf(page, stack, 'manageotp-browsers');
      for (let browser = 1; browser <= 2; browser++) {
        await page.context().clearCookies();
        await rememberedSignIn(walk, 'alice');
      }
      await manageSignIn(walk, 'alice');
      await page.click('#fg-browsers summary');
      await page.waitForSelector('#fg-browsers .fg-this-browser');
    },
  },
  'manageotp-add-app': {
    async open(page, stack) {
      await manageSignIn(walkOf(page, stack, 'manageotp-add-app'), 'erin');
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
