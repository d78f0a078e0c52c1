import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { axeViolations } from './axe.js';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { VIEWPORTS, widerThanViewport } from './fit.js';
import { adminSignIn, aliceWaiting, startAdminStack, type AdminStack } from './admin_stack.js';

// The administrator works in one browser context; each action's effect is seen by the user in
// another, as it would be on two machines. The user's side runs without a script: factorgate's
// own pages, each step a page load to wait for.

const PASSWORDS: Record<string, string> = { alice: 'alice-demo-pw', carol: 'carol-demo-pw' };

describe('end to end in a real browser: /admin', function () {
  this.timeout(120_000);
  let browser: Browser;
  let admin: AdminStack;
  let context: BrowserContext;
  let page: Page;
  /** The user's browser, a context of its own. */
  let userContext: BrowserContext | undefined;
  let userPage: Page | undefined;

  before(async () => {
    browser = await launchBrowser();
    // Two wrong passcodes lock a user at factorgate; the two-factor simulator locks only later,
    // so that the lock the administrator clears is the one that stands in the user's way.
    admin = await startAdminStack({ maxPasscodeAttempts: 10 }, { FACTORGATE_LIMITS_WRONG_ANSWERS_PER_USER: '2' });
    // The pages need no script; it stays on so that axe-core can run in them.
    context = await newContext(browser);
    page = await context.newPage();
    await adminSignIn(page, admin);
  });
  after(async () => {
    await keepScreenshot(page, 'admin last page');
    await context?.close();
    await browser?.close();
    await admin?.stack.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await keepScreenshot(userPage, `${this.currentTest.fullTitle()} user`);
    await userContext?.close();
    userContext = undefined;
  });

  /** No axe violation and nothing wider than the screen, at a laptop's size and a phone's. */
  async function checkAtEverySize(what: string): Promise<void> {
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      expect(await axeViolations(page), `${what} at ${viewport.name}`).to.deep.equal([]);
      expect(await widerThanViewport(page), `${what} at ${viewport.name}`).to.deep.equal([]);
    }
  }

  /** The user's browser: a context of its own, without a script. */
  async function userBrowser(): Promise<Page> {
    userContext = await newContext(browser, { javaScriptEnabled: false });
    userPage = await userContext.newPage();
    return userPage;
  }

  /** `user` types their password at the gateway's login page; factorgate's next page loads. */
  async function submitPassword(p: Page, user: string): Promise<void> {
    await p.goto(`${admin.stack.fg.url}/vpn/index.html`);
    await p.fill('input[name="login"]', user);
    await p.fill('input[name="passwd"]', PASSWORDS[user]!);
    await p.click('form [type="submit"]');
    await p.waitForLoadState('load');
  }

  /** The passcode the two-factor simulator "sent" `user`, once it differs from `previous`. */
  async function passcodeFor(user: string, previous?: string): Promise<string> {
    for (let i = 0; i < 100; i++) {
      const code = admin.stack.sims.anakam.lastPasscode(user);
      if (code && code !== previous) return code;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no passcode for ${user}`);
  }

  async function answerPasscode(p: Page, passcode: string, options: { remember?: boolean } = {}): Promise<void> {
    await p.fill('input[name="passcode"]', passcode);
    if (options.remember) await p.check('input[name="remember"]');
    await p.click('form[action="/mfa/passcode"] [type="submit"]');
    await p.waitForLoadState('load');
  }

  /** alice signs in with "remember this browser" ticked, then logs off: her browser is remembered. */
  async function rememberedAlice(): Promise<Page> {
    const alice = await userBrowser();
    await submitPassword(alice, 'alice');
    await answerPasscode(alice, await passcodeFor('alice'), { remember: true });
    await alice.waitForURL(/\/portal\//);
    await alice.click('button:has-text("Log Off")');
    await alice.waitForURL(/\/vpn\/index\.html/);
    return alice;
  }

  /**
   * alice types her password, is asked for a passcode (a new one, not `previous`; the page saying
   * `told` when given), and reaches the portal with it.
   */
  async function signsInWithPasscode(alice: Page, previous: string | undefined, told?: string): Promise<void> {
    await submitPassword(alice, 'alice');
    await alice.waitForURL(/\/mfa\/passcode/);
    if (told !== undefined) expect(await alice.textContent('body')).to.contain(told);
    await answerPasscode(alice, await passcodeFor('alice', previous));
    await alice.waitForURL(/\/portal\//);
  }

  /** The administrator opens `user`'s page, follows `link` to its confirmation, and confirms. */
  async function adminDoes(user: string, link: string, button: string): Promise<void> {
    await page.goto(`${admin.stack.fg.url}/admin/users/${user}`);
    await page.click(`a:has-text("${link}")`);
    await page.click(`button:has-text("${button}")`);
    await page.waitForLoadState('load');
  }

  it('signs in with password and code, shows a user and the sign-ins waiting, and ends one', async () => {
    const closeAlice = await aliceWaiting(browser, admin.stack);
    await page.fill('#fg-user', 'alice');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('h1:has-text("User alice")');
    expect(await page.textContent('main')).to.contain('Sign-ins waiting now').and.contain('anakam');
    await checkAtEverySize('the user page');
    // bob has a push token on the push simulator: listed from it, in a table that fits too.
    await page.goto(`${admin.stack.fg.url}/admin/users/bob`);
    expect(await page.textContent('main')).to.contain('PUSH0001').and.contain('demo push token');
    await checkAtEverySize('the user page with a push token');

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

  it('a remembered browser the administrator revokes is asked for a passcode at its very next sign-in', async () => {
    const alice = await rememberedAlice();

    await page.goto(`${admin.stack.fg.url}/admin/users/alice`);
    expect(await page.textContent('main')).not.to.contain('None: every sign-in asks for a second factor');
    const sent = admin.stack.sims.anakam.lastPasscode('alice');
    await adminDoes('alice', 'Revoke', 'Revoke the browser');
    expect(await page.textContent('main')).to.contain('None: every sign-in asks for a second factor');

    // Remembered, it would have gone to the portal with no passcode sent.
    await signsInWithPasscode(alice, sent, 'This browser is no longer remembered');
  });

  it('every remembered browser of a user, revoked at once, is asked for a passcode at its next sign-in', async () => {
    const alice = await rememberedAlice();

    const sent = admin.stack.sims.anakam.lastPasscode('alice');
    await adminDoes('alice', 'Revoke every remembered browser', 'Revoke every browser');
    expect(await page.textContent('main')).to.contain('None: every sign-in asks for a second factor');

    await signsInWithPasscode(alice, sent);
  });

  it('a user locked by wrong passcodes signs in once the administrator clears the lock', async () => {
    const alice = await userBrowser();
    await submitPassword(alice, 'alice');
    const right = await passcodeFor('alice');
    const wrong = right === '000000' ? '111111' : '000000';
    for (let i = 0; i < 2; i++) await answerPasscode(alice, wrong);
    expect(await alice.textContent('body')).to.contain('this account is locked');
    // Locked: a new sign-in is refused before any passcode is sent.
    await submitPassword(alice, 'alice');
    expect(await alice.textContent('body')).to.contain('this account is locked');
    expect(alice.url()).not.to.match(/\/mfa\/passcode/);

    await page.goto(`${admin.stack.fg.url}/admin/users/alice`);
    expect(await page.textContent('main')).to.contain('Locked.');
    await adminDoes('alice', 'Clear the lock', 'Clear the lock');
    expect(await page.textContent('main')).to.contain('Not locked.');

    await signsInWithPasscode(alice, right);
  });

  it('a recovery code issued on the user page signs the user in once, and is refused the next time', async () => {
    await adminDoes('carol', 'Issue a recovery code', 'Issue the code');
    const code = (await page.textContent('.fg-recovery-code code'))!.trim();
    expect(code).not.to.equal('');
    await page.goto(`${admin.stack.fg.url}/admin/users/carol`);
    expect(await page.textContent('main')).to.contain('An unused code was issued');

    const carol = await userBrowser();
    await useRecoveryCode(carol, code);
    await carol.waitForSelector('a[href^="otpauth:"]'); // set up a new app: the code let carol in
    await userContext!.close();

    const again = await userBrowser();
    await useRecoveryCode(again, code);
    expect(await again.textContent('body')).to.contain('That recovery code was not right');
    expect(await again.$('a[href^="otpauth:"]')).to.equal(null);
    await page.goto(`${admin.stack.fg.url}/admin/users/carol`);
    expect(await page.textContent('main')).to.contain('None unused.');
  });

  it('a user whose key holds "/" is found from the search box, and acted on under that key', async () => {
    await page.goto(`${admin.stack.fg.url}/admin`);
    await page.fill('#fg-user', 'corp/alice');
    await page.click('button:has-text("Show")');
    await page.waitForSelector('h1:has-text("User corp/alice")');
    expect(page.url()).to.equal(`${admin.stack.fg.url}/admin/users/corp~2Falice`);
    await page.click('a:has-text("Issue a recovery code")');
    await page.click('button:has-text("Issue the code")');
    await page.waitForSelector('h1:has-text("Recovery code for corp/alice")');
    await page.click('a:has-text("Back to corp/alice")');
    await page.waitForSelector('h1:has-text("User corp/alice")');
    expect(await page.textContent('main')).to.contain('An unused code was issued');
    expect(admin.stack.logs.lines.filter((l) => l.event === 'admin_action').at(-1)).to.deep.include({ actor: 'erin', action: 'recovery_code_issue', user: 'corp/alice', outcome: 'done' });
  });

  // Last on purpose: it removes the app erin, the administrator, signed in with (her session
  // here goes on; a later sign-in to /admin would have no code to give).
  it('a device the administrator removes no longer signs its user in: the next sign-in finds no app', async () => {
    await page.goto(`${admin.stack.fg.url}/admin/users/erin`);
    expect(await page.textContent('main')).to.contain('work phone');
    await adminDoes('erin', 'Remove', 'Remove the device');
    expect(await page.textContent('main')).not.to.contain('work phone');

    const erin = await userBrowser();
    await erin.goto(`${admin.stack.fg.url}/vpn/index.html`);
    await erin.fill('input[name="login"]', 'erin');
    await erin.fill('input[name="passwd"]', 'erin-demo-pw');
    await erin.click('form [type="submit"]');
    await erin.waitForLoadState('load');
    expect(await erin.textContent('body')).to.contain('No authenticator app is registered for your account');
    expect(erin.url()).not.to.match(/\/portal\//);
  });

  /** carol, at the passcode page, chooses "Use a recovery code" and types `code`. */
  async function useRecoveryCode(p: Page, code: string): Promise<void> {
    await submitPassword(p, 'carol');
    await p.waitForURL(/\/mfa\/passcode/);
    // carol has no other way: the recovery code is on the page itself, not under "Other options".
    await p.click('a:has-text("Use a recovery code")');
    await p.waitForURL(/\/mfa\/recovery$/);
    await p.fill('input[name="code"]', code);
    await p.click('form[action="/mfa/recovery"] [type="submit"]');
    await p.waitForLoadState('load');
  }
});
