import { expect } from 'chai';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { inDialog, keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';
import { axeViolations } from './axe.js';
import { rmSync } from 'node:fs';
import { registeredDevice } from '../helpers/otp_device.js';
import { systemClock } from '../../src/clock.js';

// The sign-in dialog as a person meets it, at a desktop and a phone size: it keeps its own look
// whatever the gateway's CSS says, shows progress at once, and calls things by the glossary's
// names (src/http/words.ts).

const VIEWPORTS = [{ width: 1280, height: 800 }, { width: 390, height: 844 }] as const;

// What a gateway's stylesheet might do to anything it can reach, and worse.
const HOSTILE_CSS = `
  html { font-size: 10px !important; }
  * { font-family: serif !important; letter-spacing: 3px !important; line-height: 3 !important; }
  input { width: 100% !important; padding: 20px !important; }
  label { display: none !important; }
  button { background: red !important; width: 100% !important; }
  p { margin: 50px !important; }
  dialog, factorgate-dialog { display: none !important; }`;

const PARTS = ['#fg-dialog', '#fg-title', '#fg-text', '#fg-passcode', '#fg-remember', '#fg-passcode-form label.fg-check', '#fg-verify', '#fg-resend'];

describe('end to end in a real browser: the sign-in dialog\'s look and words', function () {
  this.timeout(60_000);
  let browser: Browser;
  let stack: Stack;
  const contexts: BrowserContext[] = [];
  let last: Page | undefined;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { stack = await startStack(); });
  afterEach(async function () {
    await keepScreenshot(last, this.currentTest?.fullTitle() ?? 'pages');
    for (const context of contexts.splice(0)) await context.close();
    await stack.close();
  });

  async function openLogin(viewport: { width: number; height: number }): Promise<Page> {
    const context = await newContext(browser, { viewport });
    contexts.push(context);
    last = await context.newPage();
    await last.goto(`${stack.fg.url}/vpn/index.html`);
    return last;
  }

  async function signIn(p: Page, user: string, password: string): Promise<void> {
    await p.fill('input[name="login"]', user);
    await p.fill('input[name="passwd"]', password);
    await p.click('form [type="submit"]');
    await p.waitForSelector('#fg-dialog[open]');
    // The dialog's own stylesheet, inside its shadow root, has loaded.
    await p.waitForFunction("[...document.querySelector('factorgate-dialog').shadowRoot.querySelectorAll('link')].every((l) => l.sheet)");
  }

  const layoutOf = async (p: Page) => Object.fromEntries(await Promise.all(PARTS.map(async (part) => [part, await p.locator(part).boundingBox()] as const)));

  for (const viewport of VIEWPORTS) {
    it(`at ${viewport.width}×${viewport.height}: a gateway page's hostile CSS changes nothing in the dialog, which fits the screen and says how long the browser is remembered`, async () => {
      const clean = await openLogin(viewport);
      await signIn(clean, 'alice', 'alice-demo-pw');
      const expected = await layoutOf(clean);
      expect(await axeViolations(clean)).to.deep.equal([]);

      const hostile = await openLogin(viewport);
      await hostile.addStyleTag({ content: HOSTILE_CSS });
      expect(await hostile.locator('label[for="login"]').isVisible()).to.equal(false); // the CSS is in force on the page
      await signIn(hostile, 'alice', 'alice-demo-pw');
      expect(await layoutOf(hostile)).to.deep.equal(expected);

      expect(await hostile.textContent('#fg-passcode-form label.fg-check')).to.equal(' Remember this browser for 8 hours');
      const dialog = expected['#fg-dialog']!;
      expect(dialog.x).to.be.at.least(8); // a margin on the phone too
      expect(dialog.x + dialog.width).to.be.at.most(viewport.width - 8);
      const wide = await hostile.evaluate('document.documentElement.scrollWidth');
      expect(wide).to.be.at.most(viewport.width);
    });

    it(`at ${viewport.width}×${viewport.height}: progress shows at once, before any answer: "Signing in…", the form aria-busy, its button disabled`, async () => {
      const p = await openLogin(viewport);
      let release!: () => void;
      const held = new Promise<void>((resolve) => { release = resolve; });
      let seen!: () => void;
      const posted = new Promise<void>((resolve) => { seen = resolve; });
      await p.route('**/mfa/login', async (route: Route) => {
        seen();
        await held;
        await route.continue();
      });
      await p.fill('input[name="login"]', 'alice');
      await p.fill('input[name="passwd"]', 'alice-demo-pw');
      await p.click('form [type="submit"]');
      await posted; // the post is out, and held: whatever the page shows now, it showed before the answer
      const submit = p.locator('form[data-factorgate="login"] [type="submit"]');
      expect(await submit.textContent()).to.equal('Signing in…');
      expect(await submit.isDisabled()).to.equal(true);
      expect(await p.getAttribute('form[data-factorgate="login"]', 'aria-busy')).to.equal('true');
      expect(await p.textContent('form[data-factorgate="login"] .fg-progress')).to.equal('Signing in…');
      release();
      await p.waitForSelector('#fg-dialog[open]');
      expect(await p.getAttribute('form[data-factorgate="login"]', 'aria-busy')).to.equal(null);
      expect(await submit.textContent()).to.equal('Log On');
    });
  }

  it('an authenticator app\'s code: the dialog asks for "the code from your authenticator app", never a passcode, and offers nothing to resend', async () => {
    // erin with an app registered, as /manageotp would have left her.
    const device = await registeredDevice(systemClock, 'erin', stack.config.secret);
    await stack.close();
    stack = await startStack({}, { FACTORGATE_OTP_SQLITE_PATH: device.path });
    const p = await openLogin(VIEWPORTS[1]);
    await signIn(p, 'erin', 'erin-demo-pw');
    expect(await p.textContent('#fg-title')).to.equal('Enter the code from your authenticator app');
    expect(await p.isVisible('#fg-resend')).to.equal(false);
    expect(await p.isVisible('#fg-remember')).to.equal(false);
    // Where her apps are managed, as a link.
    expect(await p.isVisible('#fg-portal')).to.equal(true);
    expect(await p.getAttribute('#fg-portal', 'href')).to.equal('/manageotp');
    const shown = await p.evaluate(`${inDialog('#fg-dialog')}.innerText`) as string;
    expect(shown).to.not.match(/passcode/i);
    await p.fill('#fg-passcode', '000000');
    await p.click('#fg-verify');
    await p.waitForFunction(`${inDialog('#fg-message')}.textContent.includes('That code was not right')`);
    expect(await p.evaluate(`${inDialog('#fg-dialog')}.innerText`) as string).to.not.match(/passcode/i);
    expect(await axeViolations(p)).to.deep.equal([]);
    rmSync(device.dir, { recursive: true, force: true });
  });
});
