import { expect } from 'chai';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, CDPSession, Page } from 'playwright-core';
import { inDialog, keepScreenshot, launchBrowser, newContext } from './browser.js';
import { startStack, type Stack } from './stack.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../helpers/processes.js';

// Passkeys and security keys in real Chromium, with its virtual authenticator (DevTools protocol
// WebAuthn domain): registered at /manageotp, then used in the login dialog. WebAuthn refuses IP
// addresses as an RP ID, so the browser uses http://localhost (a secure context).

const FLOW = {
  entry: 'password',
  factors: {
    password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'second' }] },
    second: { policies: [{ rule: 'true', action: 'WEBAUTHN' }, { rule: 'true', action: 'OTP_CODE' }] },
  },
};
const USERS = { erin: 'erin-demo-pw', carol: 'carol-demo-pw', alice: 'alice-demo-pw', bob: 'bob-demo-pw', dave: 'dave-demo-pw' } as const;
type User = keyof typeof USERS;

type Credential = { credentialId: string; isResidentCredential: boolean; rpId?: string; privateKey: string; userHandle?: string; signCount: number };

/** A virtual authenticator on the page: ctap2 over usb, presence always given, verification as asked. */
async function addAuthenticator(cdp: CDPSession, isUserVerified = true): Promise<string> {
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified, automaticPresenceSimulation: true },
  });
  return authenticatorId;
}

/** What an authenticator app does with the otpauth:// link: the current code. */
const codeFrom = (uri: string): string =>
  new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' }).generate();

/** A code is accepted once per 30-second step (RFC 6238 §5.2): wait for the next step, as a person would. */
async function nextStep(): Promise<void> {
  const step = Math.floor(Date.now() / 30_000);
  while (Math.floor(Date.now() / 30_000) === step) await new Promise((r) => setTimeout(r, 250));
}

const credentialsOf = async (cdp: CDPSession, authenticatorId: string): Promise<Credential[]> =>
  (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials as Credential[];

async function startWebauthnStack(userVerification: 'preferred' | 'required', reuse?: { port: number; sqlite: string; origins?: string[] }): Promise<{ stack: Stack; origin: string }> {
  const port = reuse?.port ?? await freePort();
  const origin = `http://localhost:${port}`;
  const stack = await startStack({}, { FACTORGATE_LISTEN_PORT: String(port), ...(reuse && { FACTORGATE_OTP_SQLITE_PATH: reuse.sqlite }) }, {
    overrides: { flows: FLOW, webauthn: { enabled: true, rpId: 'localhost', origins: reuse?.origins ?? [origin], userVerification } },
  });
  return { stack, origin };
}

describe('end to end in a real browser: passkeys and security keys (WebAuthn)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let stack: Stack;
  let origin: string;
  let context: BrowserContext;
  let page: Page;
  let cdp: CDPSession;

  before(async () => {
    browser = await launchBrowser();
    ({ stack, origin } = await startWebauthnStack('preferred'));
  });
  after(async () => {
    await keepScreenshot(page, 'webauthn last page');
    await context?.close();
    await browser?.close();
    await stack?.close();
  });
  beforeEach(async () => {
    context = await newContext(browser);
    page = await context.newPage();
    cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && process.env.E2E_DEBUG) console.log(stack.logs.lines.slice(-40).map((l) => `${String(l.event)} ${String(l.reason ?? l.code ?? '')}`));
    await keepScreenshot(page, this.currentTest?.title ?? 'webauthn');
    await context.close();
  });

  const logged = (event: string) => stack.logs.lines.filter((l) => l.event === event);

  async function portalSignIn(user: User): Promise<void> {
    await context.clearCookies();
    await page.goto(`${origin}/manageotp`);
    await page.fill('input[name="username"]', user);
    await page.fill('input[name="password"]', USERS[user]);
    await page.click('button[type="submit"]');
    // A user with a key owes it as the second step (the virtual authenticator answers at once).
    const step = await page.waitForSelector('h2:has-text("Passkeys and security keys"), button:has-text("Use your passkey or security key")');
    if ((await step.textContent())?.startsWith('Use')) {
      await step.click();
      await page.waitForSelector('h2:has-text("Passkeys and security keys")');
    }
  }

  async function addPasskey(name: string): Promise<void> {
    await page.fill('#fg-passkey-name', name);
    await page.click('button:has-text("Add a passkey or security key")');
    await page.waitForURL(/\/manageotp\?m=passkey_added$/);
    expect(await page.textContent('#fg-passkeys')).to.include(name);
  }

  /** The login page, the password, then the dialog asks for the key (and the virtual one answers at once). */
  async function login(user: User): Promise<void> {
    await page.goto(`${origin}/vpn/index.html`);
    await page.fill('input[name="login"]', user);
    await page.fill('input[name="passwd"]', USERS[user]);
    await page.click('form [type="submit"]');
  }

  const signedIn = () => page.waitForURL((url) => !url.pathname.startsWith('/vpn/index.html') && !url.pathname.startsWith('/mfa'));
  const refusedNotice = () => page.waitForSelector('#fg-message:has-text("That key was not accepted")');

  it('registers a key at /manageotp, signs in with it, then with a second key; a removed key is refused', async () => {
    const first = await addAuthenticator(cdp);
    await portalSignIn('erin');
    await addPasskey('Blue key');
    expect(logged('manageotp_passkey_added')).to.have.length(1);

    await login('erin');
    await signedIn();
    expect(logged('webauthn_accepted').at(-1)).to.include({ user: 'erin' });

    // Signed in at the portal with the first key (the second step), a second key is registered;
    // then the first leaves the browser and the second signs in alone.
    await portalSignIn('erin');
    expect(logged('manageotp_signin').at(-1)).to.include({ user: 'erin', via: 'passkey' });
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: first });
    const second = await addAuthenticator(cdp);
    await addPasskey('Laptop');
    await login('erin');
    await signedIn();

    // Removed at the portal, the second key signs nobody in: its assertion is refused, the dialog asks again.
    await portalSignIn('erin');
    await page.click('tr:has-text("Laptop") a:has-text("Remove")');
    await page.waitForSelector('h1:has-text("Remove Laptop?")');
    expect(await page.textContent('body')).to.include('You will no longer be able to sign in with it.');
    await page.click('button:has-text("Remove")');
    await page.waitForURL(/m=passkey_removed$/);
    // The login no longer names it; told to use it anyway (a page that kept the old options), it is refused.
    const [laptop] = await credentialsOf(cdp, second);
    const offered: string[] = [];
    await page.route('**/mfa/login', async (route) => {
      const reply = await route.fetch();
      const json = await reply.json() as { challenge?: { options?: { allowCredentials?: Array<{ id: string; type: string }> } } };
      offered.push(...(json.challenge?.options?.allowCredentials ?? []).map((c) => c.id));
      if (json.challenge?.options) json.challenge.options.allowCredentials = [{ id: toBase64url(laptop!.credentialId), type: 'public-key' }];
      return route.fulfill({ response: reply, json });
    });
    await login('erin');
    await refusedNotice();
    expect(offered).to.have.length(1).and.not.include(toBase64url(laptop!.credentialId));
    expect(logged('webauthn_unknown_credential').at(-1)).to.include({ user: 'erin' });
  });

  it('refuses an assertion replayed into another login, and a counter that goes backwards (a cloned key)', async () => {
    const authenticatorId = await addAuthenticator(cdp);
    await portalSignIn('carol');
    await addPasskey('Carol\'s key');
    let captured = '';
    page.on('request', (req) => {
      if (req.url().endsWith('/mfa/webauthn') && !captured) captured = new URLSearchParams(req.postData() ?? '').get('assertion') ?? '';
    });
    await login('carol');
    await signedIn();
    expect(captured).to.match(/^\{/);

    // A new login whose assertion is swapped for the one already used: its challenge was the old login's.
    await page.route('**/mfa/webauthn', (route) => {
      const body = new URLSearchParams(route.request().postData() ?? '');
      body.set('assertion', captured);
      return route.continue({ postData: body.toString() });
    });
    await login('carol');
    await refusedNotice();
    expect(logged('webauthn_assertion_refused').at(-1)).to.include({ user: 'carol' });
    await page.unroute('**/mfa/webauthn');

    // The key's private key copied into another authenticator whose counter starts again from 0.
    const [credential] = await credentialsOf(cdp, authenticatorId);
    expect(credential!.signCount).to.be.above(0);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    const clone = await addAuthenticator(cdp);
    await cdp.send('WebAuthn.addCredential', { authenticatorId: clone, credential: { ...credential!, signCount: 0 } });
    await login('carol');
    await page.waitForSelector('#fg-dialog:has-text("may have been copied")');
    expect(logged('webauthn_counter_regression').at(-1)).to.include({ user: 'carol' });
  });

  it('never signs one user in with another user\'s key, even when the browser is told to use it', async () => {
    const authenticatorId = await addAuthenticator(cdp);
    await portalSignIn('alice');
    await addPasskey('Alice\'s key');
    const [alices] = await credentialsOf(cdp, authenticatorId);
    await portalSignIn('bob');
    await addPasskey('Bob\'s key');
    const accepted = logged('webauthn_accepted').length;
    // bob's login is told to ask for alice's credential only (as a script on a hostile page could).
    await page.route('**/mfa/login', async (route) => {
      const reply = await route.fetch();
      const json = await reply.json() as { challenge?: { options?: { allowCredentials?: Array<{ id: string; type: string }> } } };
      if (json.challenge?.options) json.challenge.options.allowCredentials = [{ id: toBase64url(alices!.credentialId), type: 'public-key' }];
      return route.fulfill({ response: reply, json });
    });
    await login('bob');
    await refusedNotice();
    expect(logged('webauthn_unknown_credential').at(-1)).to.include({ user: 'bob' });
    expect(logged('webauthn_accepted')).to.have.length(accepted);
  });

  it('a user with an authenticator app and a passkey chooses either at login, and signs in each way', async () => {
    const authenticatorId = await addAuthenticator(cdp);
    await portalSignIn('dave');
    // An authenticator app, set up with its first code, then a key, in the same portal session.
    await page.fill('#fg-name', 'Phone');
    await page.click('button:has-text("Add device")');
    const uri = (await (await page.waitForSelector('a[href^="otpauth://"]')).getAttribute('href'))!;
    await page.fill('input[name="code"]', codeFrom(uri));
    await page.click('button:has-text("Finish setup")');
    await page.waitForURL(/m=device_confirmed$/);
    await addPasskey('Dave\'s key');

    // The key: the dialog asks for it first, and it answers.
    await login('dave');
    await signedIn();
    expect(logged('webauthn_accepted').at(-1)).to.include({ user: 'dave' });
    expect(logged('login_finished').at(-1)).to.include({ user: 'dave', outcome: 'success', flow: 'password:GATEWAY_PASSWORD → second:WEBAUTHN → done' });
    const accepted = logged('webauthn_accepted').length;

    // The app: the key is at hand but not touched, the user cancels the browser's prompt (as
    // the Cancel of its sheet does) and picks another way, then types the app's code.
    await cdp.send('WebAuthn.setAutomaticPresenceSimulation', { authenticatorId, enabled: false });
    await login('dave');
    // Polled until the dialog says so: a cancel before the prompt opened would cancel nothing.
    await page.waitForFunction(`window.SimpleWebAuthnBrowser?.WebAuthnAbortService.cancelCeremony(), ${inDialog('#fg-message')}.textContent.includes('No key answered')`);
    expect(await page.textContent('#fg-webauthn-another')).to.equal('Enter a code from your authenticator app');
    await page.click('#fg-webauthn-another button');
    await page.waitForSelector('#fg-passcode');
    await nextStep(); // the code that confirmed the app was of this step, perhaps
    await page.fill('#fg-passcode', codeFrom(uri));
    await page.click('#fg-verify');
    await signedIn();
    expect(logged('webauthn_accepted'), 'no key signed this login in').to.have.length(accepted);
    expect(logged('login_finished').at(-1)).to.include({ user: 'dave', outcome: 'success', flow: 'password:GATEWAY_PASSWORD → second:OTP_CODE → done' });
  });

  it('without JavaScript, says WebAuthn needs it, and offers no app\'s code to carol, who has no app', async () => {
    const noScript = await newContext(browser, { javaScriptEnabled: false });
    try {
      const tab = await noScript.newPage();
      await tab.goto(`${origin}/vpn/index.html`);
      await tab.fill('input[name="login"]', 'carol');
      await tab.fill('input[name="passwd"]', USERS.carol);
      await tab.click('form [type="submit"]');
      await tab.waitForSelector('h1:has-text("Use your passkey or security key")');
      expect(await tab.textContent('body')).to.include('needs JavaScript');
      // The flow's next way is an authenticator app, which carol has not set up: it is not offered,
      // and the page says what she can do instead (test/login/webauthn.test.ts: one with an app).
      expect(await tab.textContent('body')).to.include('Turn it on and start again from the login page.').and.not.include('Enter a code from your authenticator app');
      expect(await tab.$('form[action="/mfa/another"]')).to.equal(null);
    } finally {
      await noScript.close();
    }
  });

});

/** The DevTools protocol gives credential ids in base64; WebAuthn's JSON uses base64url. */
const toBase64url = (base64: string): string => base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('end to end in a real browser: passkeys with user verification required', function () {
  this.timeout(120_000);
  let browser: Browser;
  let stack: Stack;
  let origin: string;
  let context: BrowserContext | undefined;

  before(async () => {
    browser = await launchBrowser();
    ({ stack, origin } = await startWebauthnStack('required'));
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  it('refuses an assertion made without user verification, even when the browser was told it may skip it', async () => {
    context = await newContext(browser);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    const authenticatorId = await addAuthenticator(cdp, true);
    await page.goto(`${origin}/manageotp`);
    await page.fill('input[name="username"]', 'dave');
    await page.fill('input[name="password"]', 'dave-demo-pw');
    await page.click('button[type="submit"]');
    await page.fill('#fg-passkey-name', 'PIN key');
    await page.click('button:has-text("Add a passkey or security key")');
    await page.waitForURL(/m=passkey_added$/);

    // The key stops verifying the user, and the login's options are rewritten so the browser does not insist.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await page.route('**/mfa/login', async (route) => {
      const reply = await route.fetch();
      const json = await reply.json() as { challenge?: { options?: { userVerification?: string } } };
      if (json.challenge?.options) json.challenge.options.userVerification = 'discouraged';
      return route.fulfill({ response: reply, json });
    });
    await page.goto(`${origin}/vpn/index.html`);
    await page.fill('input[name="login"]', 'dave');
    await page.fill('input[name="passwd"]', 'dave-demo-pw');
    await page.click('form [type="submit"]');
    await page.waitForSelector('#fg-message:has-text("That key was not accepted")');
    const refused = stack.logs.lines.filter((l) => l.event === 'webauthn_assertion_refused').at(-1);
    expect(refused).to.include({ user: 'dave' });
    expect(String(refused?.reason)).to.match(/verif/i);
  });
});

describe('end to end in a real browser: a passkey used on an origin factorgate is not configured for', function () {
  this.timeout(120_000);
  let browser: Browser;
  let stack: Stack | undefined;
  let context: BrowserContext | undefined;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await stack?.close();
  });

  it('refuses the assertion when the page\'s origin is not in webauthn.origins', async () => {
    const port = await freePort();
    const sqlite = join(mkdtempSync(join(tmpdir(), 'fg-e2e-webauthn-')), 'otp.sqlite');
    const started = await startWebauthnStack('preferred', { port, sqlite });
    stack = started.stack;
    context = await newContext(browser);
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable', { enableUI: false });
    await addAuthenticator(cdp);
    await page.goto(`${started.origin}/manageotp`);
    await page.fill('input[name="username"]', 'erin');
    await page.fill('input[name="password"]', 'erin-demo-pw');
    await page.click('button[type="submit"]');
    await page.fill('#fg-passkey-name', 'Key');
    await page.click('button:has-text("Add a passkey or security key")');
    await page.waitForURL(/m=passkey_added$/);
    await stack.close();

    // The same keys, the same address, but factorgate is told its users come from elsewhere.
    stack = (await startWebauthnStack('preferred', { port, sqlite, origins: ['https://localhost'] })).stack;
    await page.goto(`${started.origin}/vpn/index.html`);
    await page.fill('input[name="login"]', 'erin');
    await page.fill('input[name="passwd"]', 'erin-demo-pw');
    await page.click('form [type="submit"]');
    await page.waitForSelector('#fg-message:has-text("That key was not accepted")');
    const refused = stack.logs.lines.filter((l) => l.event === 'webauthn_assertion_refused').at(-1);
    expect(refused).to.include({ user: 'erin' });
    expect(String(refused?.reason)).to.match(/origin/i);
  });
});
