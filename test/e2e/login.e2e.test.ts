import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inDialog, keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';
import { FakeClock } from '../helpers/clock.js';
import { axeViolations } from './axe.js';

const ALICE = { user: 'alice', password: 'alice-demo-pw' };

describe('end to end in a real browser', function () {
  this.timeout(30_000);
  let browser: Browser;
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  beforeEach(async () => { stack = await startStack(); });
  afterEach(async function () {
    await keepScreenshot(page, this.currentTest?.fullTitle() ?? 'e2e');
    await context?.close();
    await stack.close();
  });

  async function openLogin(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    context = await newContext(browser, options);
    page = await context.newPage();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    return page;
  }

  async function submitPassword(p: Page, user = ALICE.user, password = ALICE.password): Promise<void> {
    await p.fill('input[name="login"]', user);
    await p.fill('input[name="passwd"]', password);
    await p.click('form [type="submit"]');
  }

  /** Reads the passcode the simulator "sent", waiting for it to differ from the one before. */
  async function passcodeFor(user: string, previous?: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const code = stack.sims.anakam.lastPasscode(user);
      if (code && code !== previous) return code;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no passcode for ${user}`);
  }

  it('first login with the outbox passcode and "remember this device", logout, second login with no passcode', async () => {
    const p = await openLogin();
    await submitPassword(p);
    await p.waitForSelector('#fg-dialog[open]');
    expect(await p.textContent('#fg-text')).to.include('a***@example.com');
    await p.fill('#fg-passcode', await passcodeFor('alice'));
    await p.check('#fg-remember');
    await p.click('#fg-verify');
    await p.waitForURL(/\/portal\//);
    expect(await p.textContent('body')).to.include('alice');
    const cookies = await context.cookies();
    // The login's, and its copy for /manageotp (which tells the portal which browser is in use).
    expect(cookies.filter((c) => c.name === 'DeviceKey').map((c) => ({ path: c.path, httpOnly: c.httpOnly })).sort((a, b) => a.path.localeCompare(b.path)))
      .to.deep.equal([{ path: '/manageotp', httpOnly: true }, { path: '/mfa', httpOnly: true }]);

    await p.click('button:has-text("Log Off")');
    await p.waitForURL(/\/vpn\/index\.html/);
    const sent = stack.sims.anakam.outbox();
    await submitPassword(p);
    await p.waitForURL(/\/portal\//);
    expect(await p.textContent('body')).to.include('alice');
    expect(stack.sims.anakam.outbox()).to.deep.equal(sent); // no new passcode was sent
  });

  it('the passcode and the sign-in have separate clocks: the dialog says how long the passcode is valid, an expired one is replaced, and the sign-in warns in its last minute', async () => {
    // The two-factor server's clock is the test's: its passcode expires while factorgate's login lives on.
    const tfaClock = new FakeClock(Date.now());
    await stack.close();
    stack = await startStack({ clock: tfaClock });
    context = await newContext(browser, {});
    page = await context.newPage();
    await page.clock.install();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    const p = page;
    await submitPassword(p);
    await p.waitForSelector('#fg-dialog[open]');
    expect(await p.textContent('#fg-text')).to.equal('We sent a passcode to a***@example.com. The passcode is valid for 5 minutes.');
    const first = await passcodeFor('alice');
    tfaClock.advance(5 * 60_000 + 1);
    await p.fill('#fg-passcode', first);
    await p.click('#fg-verify');
    await p.waitForSelector('#fg-message:not([hidden])');
    expect(await p.textContent('#fg-message')).to.equal('That passcode has expired. Ask for a new one below.');
    await p.click('#fg-resend');
    const second = await passcodeFor('alice', first);
    // The sign-in's own clock: a notice in its last minute (the page's clock, run on).
    expect(await p.isVisible('#fg-expiry')).to.equal(false);
    await p.clock.runFor(9 * 60_000 + 5_000);
    await p.waitForSelector('#fg-expiry:visible');
    expect(await p.textContent('#fg-expiry')).to.equal('This sign-in ends in less than a minute: finish it now, or start again from the login page.');
    expect(await axeViolations(p)).to.deep.equal([]);
    await p.fill('#fg-passcode', second);
    await p.click('#fg-verify');
    await p.waitForURL(/\/portal\//);
  });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 390, height: 844 }]) {
    it(`at ${viewport.width}×${viewport.height}: a reload during the dialog resumes the same sign-in, with no new passcode; a sign-in begun in another tab is named in the first`, async () => {
      context = await newContext(browser, { viewport });
      page = await context.newPage();
      await page.goto(`${stack.fg.url}/vpn/index.html`);
      const p = page;
      await submitPassword(p);
      await p.waitForSelector('#fg-dialog[open]');
      const code = await passcodeFor('alice');
      const sent = stack.sims.anakam.outbox();
      await p.reload();
      await p.waitForSelector('#fg-dialog[open]');
      expect(await p.textContent('#fg-text')).to.include('a***@example.com');
      expect(stack.sims.anakam.outbox()).to.deep.equal(sent);
      // A second tab of the same browser begins a sign-in of its own: the first tab's has ended.
      const second = await context.newPage();
      await second.goto(`${stack.fg.url}/vpn/index.html`);
      await submitPassword(second);
      await second.waitForSelector('#fg-dialog[open]');
      await p.fill('#fg-passcode', code);
      await p.click('#fg-verify');
      await p.waitForSelector('#fg-restart:visible');
      expect(await p.textContent('#fg-message')).to.equal('This sign-in continued in another tab or window. Go on there, or start again from the login page.');
      await second.fill('#fg-passcode', await passcodeFor('alice', code));
      await second.click('#fg-verify');
      await second.waitForURL(/\/portal\//);
    });
  }

  it('two login pages open in one browser: the password typed into the first one still signs in', async () => {
    const first = await openLogin();
    const second = await context.newPage();
    await second.goto(`${stack.fg.url}/vpn/index.html`);
    await submitPassword(first);
    await first.waitForSelector('#fg-dialog[open]');
    expect(await first.textContent('#fg-text')).to.include('a***@example.com');
    await first.fill('#fg-passcode', await passcodeFor('alice'));
    await first.click('#fg-verify');
    await first.waitForURL(/\/portal\//);
  });

  it('a user with e-mail and a phone picks the text message instead: the dialog names the phone, and that passcode lets them in', async () => {
    const p = await openLogin();
    await submitPassword(p, 'bob', 'bob-demo-pw');
    await p.waitForSelector('#fg-dialog[open]');
    expect(await p.textContent('#fg-text')).to.include('b***@example.com');
    const byMail = await passcodeFor('bob');
    // The other method waits under "Other options" with the recovery code; nothing is sent until it is chosen.
    expect(await p.isVisible('#fg-via-sms')).to.equal(false);
    await p.click('#fg-code-options');
    expect(await p.getAttribute('#fg-code-options', 'aria-expanded')).to.equal('true');
    expect(await axeViolations(p)).to.deep.equal([]);
    expect(stack.sims.anakam.outbox().bob).to.include({ method: 'EMAIL' });
    await p.click('#fg-via-sms');
    await p.waitForFunction(`${inDialog('#fg-text')}.textContent.includes('2345')`);
    expect(await p.textContent('#fg-message')).to.equal('A new passcode is on its way.');
    await p.click('#fg-code-options');
    expect(await p.textContent('#fg-via-email')).to.equal('Send it by e-mail instead');
    expect(await axeViolations(p)).to.deep.equal([]);
    await p.fill('#fg-passcode', await passcodeFor('bob', byMail));
    await p.click('#fg-verify');
    await p.waitForURL(/\/portal\//);
  });

  for (const [user, has] of [['alice', 'a***@example.com'], ['carol', '9876']] as const) {
    it(`${user}, who has only one way to get a passcode, is shown no "Other options", only the recovery code, plainly`, async () => {
      const p = await openLogin();
      await submitPassword(p, user, `${user}-demo-pw`);
      await p.waitForSelector('#fg-dialog[open]');
      expect(await p.textContent('#fg-text')).to.include(has);
      expect(await p.isVisible('#fg-code-options')).to.equal(false);
      expect(await p.locator('#fg-via-sms, #fg-via-email').count()).to.equal(0);
      expect(await p.isVisible('#fg-passcode-form a.fg-recovery')).to.equal(true);
      expect(await p.textContent('#fg-passcode-form a.fg-recovery')).to.equal('Lost your device? Use a recovery code from your help desk');
      expect(await axeViolations(p)).to.deep.equal([]);
    });
  }

  it('a wrong passcode says so, then the right one lets the user in', async () => {
    const p = await openLogin();
    await submitPassword(p);
    await p.waitForSelector('#fg-dialog[open]');
    const code = await passcodeFor('alice');
    await p.fill('#fg-passcode', code === '000000' ? '111111' : '000000');
    await p.click('#fg-verify');
    await p.waitForSelector('#fg-message:not([hidden])');
    expect(await p.textContent('#fg-message')).to.match(/not right\. \d+ attempts? left/);
    await p.fill('#fg-passcode', code);
    await p.click('#fg-verify');
    await p.waitForURL(/\/portal\//);
  });

  it('repeated wrong passcodes lock the user out with a clear message', async () => {
    const p = await openLogin();
    await submitPassword(p);
    await p.waitForSelector('#fg-dialog[open]');
    const code = await passcodeFor('alice');
    const wrong = code === '000000' ? '111111' : '000000';
    const said: string[] = [];
    for (let i = 0; i < 3; i++) {
      await p.fill('#fg-passcode', wrong);
      await p.click('#fg-verify');
      // The dialog's buttons stay disabled while a post is in flight.
      await p.waitForFunction(`!${inDialog('#fg-verify')}.disabled`);
      said.push(String(await p.textContent('#fg-message')));
    }
    await p.waitForSelector('#fg-restart:visible');
    // The two-factor server locks after three: the second wrong one says so, the third says for how long.
    expect(said.slice(0, 2)).to.deep.equal([
      'That passcode was not right. 2 attempts left before a 15-minute lock.',
      'That passcode was not right. 1 attempt left before a 15-minute lock.',
    ]);
    expect(said[2]).to.equal('Too many wrong attempts: this account is locked for 15 minutes. Try again after that, or ask your help desk to unlock it.');
    expect(await axeViolations(p)).to.deep.equal([]);
    // The gateway checked the password first; the session it opened was held, and logged out.
    expect(stack.sims.gateway.sessionCount('alice')).to.equal(0);
    expect(stack.sims.gateway.logoutCount('alice')).to.equal(1);
    expect((await context.cookies()).some((c) => c.name === 'NSC_AAAC')).to.equal(false);
    // A new sign-in meanwhile says the account is locked, not that a passcode could not be sent.
    const sent = stack.sims.anakam.outbox();
    await p.click('#fg-restart');
    await p.waitForSelector('input[name="login"]');
    await submitPassword(p);
    await p.waitForSelector('#fg-restart:visible');
    expect(await p.textContent('#fg-message')).to.match(/^Too many wrong attempts: this account is locked for 1[45] minutes\./);
    expect(stack.sims.anakam.outbox()).to.deep.equal(sent);
  });

  it('a wrong password is answered on the login form, the user name kept, before any passcode is sent', async () => {
    const p = await openLogin();
    await submitPassword(p, 'alice', 'not-alices-password');
    await p.waitForSelector('.fg-form-error');
    expect(await p.textContent('.fg-form-error')).to.include('user name or password was not accepted');
    expect(await p.inputValue('input[name="login"]')).to.equal('alice');
    expect(await p.evaluate("document.activeElement && document.activeElement.getAttribute('name')")).to.equal('passwd');
    expect(await p.isVisible('#fg-dialog[open]')).to.equal(false);
    // An unknown user reads the same, and the right password then goes on to the passcode.
    await submitPassword(p, 'nobody-at-all', 'not-alices-password');
    await p.waitForFunction("document.querySelector('form [type=\"submit\"]') && !document.querySelector('form [type=\"submit\"]').disabled");
    expect(await p.textContent('.fg-form-error')).to.include('user name or password was not accepted');
    expect(Object.keys(stack.sims.anakam.outbox())).to.deep.equal([]);
    await submitPassword(p);
    await p.waitForSelector('#fg-dialog[open]');
    expect(await p.isVisible('.fg-form-error')).to.equal(false);
  });

  it('without JavaScript, a wrong password is answered on the login form too, the user name kept, and nothing is sent', async () => {
    const p = await openLogin({ javaScriptEnabled: false });
    await submitPassword(p, 'alice', 'not-alices-password');
    await p.waitForSelector('.fg-form-error');
    expect(p.url()).to.match(/\/vpn\/index\.html$/);
    expect(await p.textContent('.fg-form-error')).to.include('user name or password was not accepted');
    expect(await p.inputValue('input[name="login"]')).to.equal('alice');
    expect(Object.keys(stack.sims.anakam.outbox())).to.deep.equal([]);
    // The right password from that very form goes on to the passcode.
    await p.fill('input[name="passwd"]', ALICE.password);
    await p.click('form [type="submit"]');
    await p.waitForURL(/\/mfa\/passcode/);
  });

  it('two-factor server down gives a clear message and no session', async () => {
    stack.sims.anakam.setFault({ refuse: true });
    const p = await openLogin();
    await submitPassword(p);
    await p.waitForSelector('#fg-restart:visible');
    expect(await p.textContent('#fg-message')).to.include('two-factor service is not answering');
    expect((await context.cookies()).some((c) => c.name === 'NSC_AAAC')).to.equal(false);
  });

  it('works with JavaScript disabled, through server-rendered pages', async () => {
    const p = await openLogin({ javaScriptEnabled: false });
    await submitPassword(p);
    await p.waitForURL(/\/mfa\/passcode/);
    expect(await p.textContent('body')).to.include('a***@example.com');
    await p.fill('input[name="passcode"]', await passcodeFor('alice'));
    await p.click('form[action="/mfa/passcode"] button[type="submit"]');
    await p.waitForURL(/\/portal\//);
    expect(await p.textContent('body')).to.include('alice');
  });

  it('a direct post to /cgi/login gets nowhere', async () => {
    const p = await openLogin();
    const status = await p.evaluate(async (creds) => {
      const res = await fetch('/cgi/login', { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `login=${creds.user}&passwd=${creds.password}` });
      return res.status;
    }, ALICE);
    expect(status).to.equal(403);
    await p.goto(`${stack.fg.url}/portal/`);
    expect(p.url()).to.match(/\/vpn\/index\.html/);
    expect(stack.sims.gateway.loginCount('alice')).to.equal(0);
  });
});
