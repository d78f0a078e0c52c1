import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations, markupWithoutScripts, showMarkup } from './axe.js';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { VIEWPORTS, actionsOffScreen, cardsAtTheEdge, widerThanViewport } from './fit.js';
import { PAGE_STATES, type StackVariant, type Walk } from './page_states.js';
import { E2E_SECRET, startStack, type Stack, type StackOptions } from './stack.js';
import { registeredDevice } from '../helpers/otp_device.js';
import { freePort } from '../helpers/processes.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { RecoveryCodes } from '../../src/security/recovery_codes.js';
import { Keyring } from '../../src/security/keyring.js';
import { Limits } from '../../src/security/limits.js';
import { systemClock } from '../../src/clock.js';
import { Secret, TOTP } from 'otpauth';
import { passkeyFirst } from '../../src/demo/demo.js';
import { defaultFlow } from '../../src/flows/default_flow.js';

// Every page state of test/e2e/page_states.ts, with and without a script, at a laptop's and a
// phone's size: axe-core finds no WCAG 2.1 A/AA violation, nothing is wider than the screen,
// factorgate's card or dialog keeps a margin from its edges, and on the laptop (1280×800) the
// page's filled buttons and its way out (its last control: Cancel, "Keep it", "Back to ...") are
// on the first screen, with no scrolling (on the phone too where a state says so; not where a
// list as long as what is going on comes first).
// One browser, one stack, one context with a script and one without; each state is reached once,
// in a fresh tab with no cookies (unless it goes on from the state before), and checked at each
// size by resizing the tab.

// The limits are for people, not for a walk that signs in some fifty times: raised here, so no
// state meets a limit it does not set out to meet.
const ROOMY_LIMITS = {
  FACTORGATE_LIMITS_LOGIN_STARTS_PER_USER: '1000',
  FACTORGATE_LIMITS_LOGIN_STARTS_PER_CLIENT: '10000',
  FACTORGATE_LIMITS_WRONG_ANSWERS_PER_USER: '99',
  FACTORGATE_LIMITS_PUSHES_PER_USER: '100',
};

// The demo's login: the providers of startStack's users, a passkey asked for first wherever an
// authenticator app's code is.
const DEMO_FLOW = passkeyFirst(defaultFlow({
  ldap: false, passwordCheck: 'first', providers: { default: 'anakam', policies: [{ use: 'push_with_code' }, { use: 'totp' }] },
}));

// The stacks beside the walk's own (page_states.ts, StackVariant): each started when a state first needs it.
const PUSH_OR_CODE = (parseYaml(readFileSync(new URL('../../fixtures/flows/push-otp-fallback.yaml', import.meta.url), 'utf8')) as { flows: unknown }).flows;
const PUSH_AFTER_PASSCODE = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'ANAKAM_PASSCODE' }, { rule: 'true', action: 'PUSH' }] },
  },
};
const VARIANTS: Record<StackVariant, { env?: Record<string, string>; options: StackOptions }> = {
  // The shortest validity the configuration takes (linotp.challengeValiditySeconds): the walk waits it out.
  shortPush: { options: { pushSeconds: 10 } },
  enrolAtLogin: { env: { FACTORGATE_OTP_WITHOUT_DEVICE: 'enrol' }, options: {} },
  flowForm: { options: { overrides: { flows: PUSH_OR_CODE } } },
  pushAfterPasscode: { options: { overrides: { flows: PUSH_AFTER_PASSCODE } } },
};

describe('end to end in a real browser: every page and dialog state, axe-core and the width of the screen', function () {
  // A state may first wait for the next 30-second step of erin's app (Walk.erinCode).
  this.timeout(60_000);
  let browser: Browser;
  let stack: Stack;
  let origin: string;
  let erinDevice: Awaited<ReturnType<typeof registeredDevice>>;
  let store: MemoryStore;
  const contexts: Partial<Record<'script' | 'none', BrowserContext>> = {};
  let page: Page | undefined;
  /** A tab that runs scripts, where the pages shown without one are scanned. */
  let viewer: Page;
  const passkeys: unknown[] = [];
  /** The 30-second step of erin's last code given: a code is taken once per step (RFC 6238 §5.2). */
  let erinsLastStep = -1;

  before(async () => {
    browser = await launchBrowser();
    // WebAuthn (the portal's passkeys) wants a host name, not an address: localhost, on a port chosen now.
    const port = await freePort();
    origin = `http://localhost:${port}`;
    erinDevice = await registeredDevice(systemClock, 'erin', E2E_SECRET);
    store = new MemoryStore();
    // erin, who has an app, is /admin's administrator.
    stack = await startStack({}, {
      ...ROOMY_LIMITS, FACTORGATE_LISTEN_PORT: String(port), FACTORGATE_OTP_SQLITE_PATH: erinDevice.path, FACTORGATE_ADMIN_WEB_ENABLED: 'true', FACTORGATE_ADMIN_USERS: 'erin',
    }, {
      store, overrides: { flows: DEMO_FLOW, webauthn: { enabled: true, rpId: 'localhost', origins: [origin] } },
    });
    contexts.script = await newContext(browser, { viewport: VIEWPORTS[0] });
    contexts.none = await newContext(browser, { viewport: VIEWPORTS[0], javaScriptEnabled: false });
    viewer = await contexts.script.newPage();
  });
  const variants = new Map<StackVariant, Promise<Stack>>();
  after(async () => {
    for (const context of Object.values(contexts)) await context.close();
    await browser?.close();
    await stack?.close();
    for (const variant of variants.values()) await variant.then((other) => other.close(), () => undefined);
    if (erinDevice) rmSync(erinDevice.dir, { recursive: true, force: true });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await keepScreenshot(page, this.currentTest.fullTitle());
  });

  const walk = (p: Page): Walk => ({
    stack, page: p, origin,
    async erinCode() {
      while (Math.floor(Date.now() / 30_000) === erinsLastStep) await new Promise((r) => setTimeout(r, 250));
      erinsLastStep = Math.floor(Date.now() / 30_000);
      return new TOTP({ secret: Secret.fromBase32(erinDevice.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate();
    },
    recoveryCode: async (user) => (await new RecoveryCodes(store, new Keyring(E2E_SECRET), Date.now).issue(user, 1)).code,
    unlock: async (user) => {
      stack.sims.anakam.reset();
      await new Limits(store, stack.config.limits).unlock(user);
    },
    passkeys,
    async on(variant) {
      if (!variants.has(variant)) variants.set(variant, startStack({}, { ...ROOMY_LIMITS, ...VARIANTS[variant].env }, VARIANTS[variant].options));
      const other = await variants.get(variant)!;
      return { ...walk(p), stack: other, origin: other.fg.url };
    },
  });

  for (const state of PAGE_STATES) {
    const sizes = VIEWPORTS.filter((v) => !state.only || state.only.includes(v.name));
    it(`${state.name} (${sizes.map((v) => `${v.width}×${v.height}`).join(', ')})`, async () => {
      const context = state.javaScript ? contexts.script! : contexts.none!;
      if (!state.continues) await context.clearCookies();
      await page?.close();
      page = await context.newPage();
      await state.reach(walk(page));
      await page.waitForLoadState('load');

      // Reached once, seen at each size: the page is resized, as a window or a turned phone is.
      // axe-core needs a script: a page shown without one is scanned as markup in the viewer.
      const scanned = state.javaScript ? page : viewer;
      if (!state.javaScript) await showMarkup(viewer, origin, await markupWithoutScripts(page));
      const except = Object.keys(state.except ?? {});
      const found: Record<string, { tooWide: string[]; atTheEdge: string[]; offScreen: string[]; axe: string[] }> = {};
      for (const size of sizes) {
        await page.setViewportSize(size);
        await scanned.setViewportSize(size);
        found[size.name] = {
          tooWide: await widerThanViewport(page),
          atTheEdge: await cardsAtTheEdge(page),
          offScreen: state.longList ? [] : size.name === 'desktop' ? await actionsOffScreen(page) : state.firstScreen ? await actionsOffScreen(page, state.firstScreen.phone) : [],
          axe: await axeViolations(scanned, except),
        };
      }
      expect(found).to.deep.equal(Object.fromEntries(sizes.map((size) => [size.name, { tooWide: [], atTheEdge: [], offScreen: [], axe: [] }])));
    });
  }
});
