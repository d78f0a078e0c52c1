import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import { parse as parseYaml } from 'yaml';
import { keepScreenshot, launchBrowser, newContext } from './browser.js';
import { axeViolations } from './axe.js';
import { startStack, type Stack, type StackOptions } from './stack.js';
import { directory, startSlapd, type Slapd } from '../helpers/slapd.js';

// The examples of fixtures/flows/ as factorgate's configuration, in a real browser against the
// simulators (and slapd for the group check): what an administrator trying them would see.

const example = (name: string): Record<string, unknown> =>
  (parseYaml(readFileSync(new URL(`../../fixtures/flows/${name}.yaml`, import.meta.url), 'utf8')) as { flows: Record<string, unknown> }).flows;

const paths = (stack: Stack) => stack.logs.lines.filter((l) => l.event === 'login_finished').map((l) => `${String(l.user)} ${String(l.outcome)}: ${String(l.flow)}`);

describe('end to end in a real browser: login flows (fixtures/flows/)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let stack: Stack | undefined;
  let context: BrowserContext | undefined;
  let page: Page | undefined;
  let phone: Page | undefined;

  before(async () => { browser = await launchBrowser(); });
  after(async () => { await browser?.close(); });
  afterEach(async function () {
    const title = this.currentTest?.fullTitle() ?? 'flows';
    await keepScreenshot(page, title);
    await keepScreenshot(phone, `${title} phone`);
    await context?.close();
    await stack?.close();
    [stack, context, page, phone] = [undefined, undefined, undefined, undefined];
  });

  async function open(flows: Record<string, unknown>, options: StackOptions & { javaScriptEnabled?: boolean } = {}): Promise<Page> {
    stack = await startStack({}, {}, { ...options, overrides: { ...options.overrides, flows } });
    context = await newContext(browser, { javaScriptEnabled: options.javaScriptEnabled });
    page = await context.newPage();
    await page.goto(`${stack.fg.url}/vpn/index.html`);
    return page;
  }

  async function submitPassword(p: Page, user: string, password: string): Promise<void> {
    if (!/\/vpn\/index\.html/.test(p.url())) await p.goto(`${stack!.fg.url}/vpn/index.html`);
    await p.fill('input[name="login"]', user);
    await p.fill('input[name="passwd"]', password);
    await p.click('form [type="submit"]');
  }

  async function passcodeFor(user: string, previous?: string): Promise<string> {
    for (let i = 0; i < 50; i++) {
      const code = stack!.sims.anakam.lastPasscode(user);
      if (code && code !== previous) return code;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no passcode for ${user}`);
  }

  /** alice logs in with the outbox passcode and "remember this device", then logs off. */
  async function rememberAlice(p: Page): Promise<void> {
    await submitPassword(p, 'alice', 'alice-demo-pw');
    await p.waitForSelector('#fg-passcode:visible');
    await p.fill('#fg-passcode', await passcodeFor('alice'));
    await p.check('#fg-remember');
    await p.click('#fg-verify');
    await p.waitForURL(/\/portal\//);
    await p.click('button:has-text("Log Off")');
    await p.waitForURL(/\/vpn\/index\.html/);
  }

  it('default.yaml: passcode with "remember this device", then the device alone', async () => {
    const p = await open(example('default'));
    await rememberAlice(p);
    const sent = stack!.sims.anakam.outbox();
    await submitPassword(p, 'alice', 'alice-demo-pw');
    await p.waitForURL(/\/portal\//);
    expect(stack!.sims.anakam.outbox()).to.deep.equal(sent); // no new passcode was sent
    expect(paths(stack!)).to.deep.equal([
      'alice success: password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done',
      'alice success: password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done',
    ]);
  });

  it('intranet-device.yaml: from outside the intranet a remembered device still gets a passcode', async () => {
    // The browser comes from 127.0.0.1, which the example does not count as intranet.
    const p = await open(example('intranet-device'));
    await rememberAlice(p);
    await submitPassword(p, 'alice', 'alice-demo-pw');
    await p.waitForSelector('#fg-passcode:visible');
    expect(await p.textContent('#fg-text')).to.include('a***@example.com');
  });

  it('intranet-device.yaml, with loopback as the intranet: the remembered device skips the passcode', async () => {
    const flows = JSON.parse(JSON.stringify(example('intranet-device')).replace('[\'10.0.0.0/8\', \'192.168.0.0/16\']', '[\'loopback\']'));
    expect(JSON.stringify(flows)).to.include('loopback');
    const p = await open(flows);
    await rememberAlice(p);
    await submitPassword(p, 'alice', 'alice-demo-pw');
    await p.waitForURL(/\/portal\//);
    expect(paths(stack!).at(-1)).to.equal('alice success: password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE → done');
  });

  describe('group-check.yaml, against a real slapd', () => {
    let slapd: Slapd;
    before(async () => { slapd = await startSlapd(); });
    after(async () => { await slapd?.stop(); });

    // The directory's users, known to the simulated gateway and push server with the same passwords.
    const users = {
      alice: { password: directory.users.alice.password, email: 'alice@example.com', push: { pin: '2468' } },
      carol: { password: directory.users.carol.password, email: 'carol@example.com' },
    };
    const start = () => open(JSON.parse(JSON.stringify(example('group-check')).replace('\'Administrators\'', '\'admins\'')), {
      users,
      overrides: { ldap: { enabled: true, url: slapd.url, userDnTemplate: 'uid={username},ou=people,dc=example,dc=org' } },
    });

    it('an administrator approves a push on the phone; someone else types a passcode', async () => {
      const p = await start();
      await submitPassword(p, 'alice', users.alice.password);
      await p.waitForSelector('#fg-number:not([hidden])');
      const number = Number(await p.textContent('#fg-number'));
      phone = await context!.newPage();
      await phone.goto(`${stack!.sims.linotpUrl}/phone`);
      await phone.click(`button[name="number"][value="${number}"]`);
      await p.waitForURL(/\/portal\//);
      await p.click('button:has-text("Log Off")');
      await p.waitForURL(/\/vpn\/index\.html/);

      await submitPassword(p, 'carol', users.carol.password);
      await p.waitForSelector('#fg-passcode:visible');
      await p.fill('#fg-passcode', await passcodeFor('carol'));
      await p.click('#fg-verify');
      await p.waitForURL(/\/portal\//);
      expect(await p.textContent('body')).to.include('carol');
      expect(paths(stack!)).to.deep.equal([
        'alice success: password:LDAP_BIND → groupcheck[0]:NO_AUTHN → admins:PUSH → done',
        'carol success: password:LDAP_BIND → groupcheck[1]:NO_AUTHN → others:ANAKAM_PASSCODE → done',
      ]);
    });
  });

  describe('push-otp-fallback.yaml', () => {
    /**
     * dave registers an authenticator app at /manageotp (no device yet: the password signs him in).
     * Returns the code his app will show next: the confirming code is used up, and one step of
     * clock skew is allowed, so the next step's code is what a login may take now.
     */
    async function registerDave(p: Page): Promise<() => string> {
      await p.goto(`${stack!.fg.url}/manageotp`);
      await p.fill('input[name="username"]', 'dave');
      await p.fill('input[name="password"]', 'dave-demo-pw');
      await p.click('button:has-text("Sign in")');
      await p.fill('input[name="name"]', 'phone app');
      await p.click('button:has-text("Add device")');
      const uri = new URL((await p.getAttribute('a[href^="otpauth://"]', 'href'))!);
      const totp = new TOTP({ secret: Secret.fromBase32(uri.searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });
      await p.fill('input[name="code"]', totp.generate());
      await p.click('button:has-text("Finish setup")');
      await p.waitForURL(/\/manageotp(\?.*)?$/);
      return () => totp.generate({ timestamp: Date.now() + 30_000 });
    }

    const otp = () => ({ overrides: { otp: { enabled: true } } });

    it('the push denied on the phone: the dialog asks for the app\'s code, which lets dave in', async () => {
      const p = await open(example('push-otp-fallback'), otp());
      const nextCode = await registerDave(p);
      await submitPassword(p, 'dave', 'dave-demo-pw');
      await p.waitForSelector('#fg-number:not([hidden])');
      phone = await context!.newPage();
      await phone.goto(`${stack!.sims.linotpUrl}/phone`);
      await phone.click('button.deny');
      await p.waitForSelector('#fg-ask-form:visible');
      expect(await p.textContent('#fg-ask-form')).to.include('One-time code').and.include('The 6-digit code from your authenticator app.');
      await p.fill('#fg-field-code', nextCode());
      await p.click('#fg-ask-submit');
      await p.waitForURL(/\/portal\//);
      expect(await p.textContent('body')).to.include('dave');
      expect(paths(stack!).at(-1)).to.equal('dave success: password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE → done');
    });

    it('"Other options" in the dialog while the push waits names the app\'s code: the code form, a typo, then the portal', async () => {
      const p = await open(example('push-otp-fallback'), otp());
      const nextCode = await registerDave(p);
      await submitPassword(p, 'dave', 'dave-demo-pw');
      // While the push can be answered, another way waits under "Other options".
      await p.click('#fg-push-options');
      await p.waitForSelector('#fg-push-another:visible');
      // The way by what it asks for: the flow's NO_AUTHN leads on to the app's code.
      expect(await p.textContent('#fg-push-another')).to.equal('Enter a code from your authenticator app');
      expect(await axeViolations(p)).to.deep.equal([]);
      await p.click('#fg-push-another button');
      await p.waitForSelector('#fg-ask-form:visible');
      const right = nextCode();
      await p.fill('#fg-field-code', right === '000000' ? '111111' : '000000');
      await p.click('#fg-ask-submit');
      // A wrong code in the form: the code page asks again, with the attempts left.
      await p.waitForSelector('#fg-passcode:visible');
      expect(await p.textContent('#fg-message')).to.match(/not right\. \d+ attempts? left/);
      await p.fill('#fg-passcode', right);
      await p.click('#fg-verify');
      await p.waitForURL(/\/portal\//);
      expect(await p.textContent('body')).to.include('dave');
    });

    it('"Other options" while the push waits, with JavaScript off: the app\'s code by name, the form page, then the portal', async () => {
      const p = await open(example('push-otp-fallback'), { ...otp(), javaScriptEnabled: false });
      const nextCode = await registerDave(p);
      await submitPassword(p, 'dave', 'dave-demo-pw');
      await p.waitForURL(/\/mfa\/passcode/);
      await p.click('summary:has-text("Other options")');
      await p.click('button:has-text("Enter a code from your authenticator app")');
      await p.waitForSelector('form[action="/mfa/step"]');
      await p.fill('input[name="code"]', nextCode());
      await p.click('form[action="/mfa/step"] button[type="submit"]');
      await p.waitForURL(/\/portal\//);
      expect(await p.textContent('body')).to.include('dave');
    });
  });
});
