import type { CDPSession, Page } from 'playwright-core';
import { Secret, TOTP } from 'otpauth';
import type { Stack } from './stack.js';
import { inDialog } from './browser.js';

// Every page state a person can meet in factorgate, in the order a walk reaches them: the login
// page, the sign-in dialog at each step, the same steps without a script, the failure pages,
// /manageotp, the recovery code and /admin. test/e2e/every_page.e2e.test.ts runs axe-core and the
// width check on each, at each size, and the first-screen check (its actions seen without
// scrolling) on the laptop's, and on the phone's where a state asks; scripts/screenshots.ts photographs some of them. To add a state:
// one entry, with a `reach` that takes a fresh page (no cookies) to it. The checks read the page
// as it is, so changed wording needs no change here; `reach` waits on structure (ids, forms), not
// on words, wherever it can.

export type Walk = {
  stack: Stack;
  /** A fresh tab, its context's cookies cleared. */
  page: Page;
  /** Where the browser reaches factorgate (http://localhost:port: WebAuthn wants a host name). */
  origin: string;
  /** A code of erin's authenticator app (registered before the walk) that no state has given yet: the next step's, if this one's was given. */
  erinCode(): Promise<string>;
  /** A recovery code the help desk issued to `user` just now. */
  recoveryCode(user: string): Promise<string>;
  /** Lifts `user`'s lock at the two-factor server and at factorgate, as the help desk would. */
  unlock(user: string): Promise<void>;
  /** Passkeys a state made (the virtual authenticator's credentials), for the states after it. */
  passkeys: unknown[];
  /** The same walk against a stack configured otherwise (started on first use, kept for the walk). */
  on(variant: StackVariant): Promise<Walk>;
};

/**
 * Stacks beside the walk's own, for the states its configuration cannot reach: pushes that expire
 * within seconds, an authenticator app set up at sign-in (otp.withoutDevice: enrol, erin with no
 * app yet), a flow whose factor asks with a form (fixtures/flows/push-otp-fallback.yaml), and a
 * passcode with a push offered after it, which alice (no push token) cannot use.
 */
export type StackVariant = 'shortPush' | 'enrolAtLogin' | 'flowForm' | 'pushAfterPasscode';

export type PageState = {
  name: string;
  /** Whether the browser runs scripts (the dialog); without, the server-rendered pages. */
  javaScript: boolean;
  reach(walk: Walk): Promise<void>;
  /** axe-core rules set aside on this state, each with the reason. */
  except?: Readonly<Record<string, string>>;
  /** Sizes this state is checked at, when not all. */
  only?: readonly ('desktop' | 'phone')[];
  /** Goes on in the session the state before left (its cookies kept), rather than from none. */
  continues?: true;
  /**
   * Checked on the phone's first screen too (the page's actions are on the laptop's in every
   * state), with these elements besides the actions: a notice and the field it is about.
   */
  firstScreen?: { phone: readonly string[] };
  /**
   * Why the page's actions are not looked for on the first screen: a list as long as what is
   * going on (every sign-in waiting now, and the walk leaves dozens) comes before them.
   */
  longList?: string;
};

export const PASSWORDS: Readonly<Record<string, string>> = { alice: 'alice-demo-pw', bob: 'bob-demo-pw', carol: 'carol-demo-pw', dave: 'dave-demo-pw', erin: 'erin-demo-pw' };

// The no-script push page reloads itself when the push expires at the push server: a time limit
// that is essential (a security bound no user can extend); the reload only shows that it expired
// and offers a new one, and nothing typed is lost.
const PUSH_REFRESH = { 'meta-refresh': 'WCAG 2.2.1: the reload at the push\'s expiry is an essential time limit, and loses nothing typed' };

async function submitPassword(walk: Walk, user: string, password = PASSWORDS[user]!): Promise<void> {
  const { page } = walk;
  await page.goto(`${walk.origin}/vpn/index.html`);
  await page.fill('input[name="login"]', user);
  await page.fill('input[name="passwd"]', password);
  await page.click('form [type="submit"]');
}

/** The password, then the dialog, its own stylesheet loaded (axe-core measures contrast from it). */
async function dialog(walk: Walk, user: string, ready = '#fg-dialog[open]'): Promise<void> {
  await submitPassword(walk, user);
  await walk.page.waitForSelector(ready);
  await walk.page.waitForFunction("[...document.querySelector('factorgate-dialog').shadowRoot.querySelectorAll('link')].every((l) => l.sheet)");
}

/** The password without a script: the server's own page of the next step. */
async function plain(walk: Walk, user: string): Promise<void> {
  await submitPassword(walk, user);
  await walk.page.waitForURL(/\/mfa\//);
}

/** The passcode the two-factor simulator "sent" `user`, once it has. */
async function passcodeFor(walk: Walk, user: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const code = walk.stack.sims.anakam.lastPasscode(user);
    if (code) return code;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no passcode for ${user}`);
}

const wrongPasscode = async (walk: Walk, user: string): Promise<string> => ((await passcodeFor(walk, user)) === '000000' ? '111111' : '000000');

/** The dialog after a post: its buttons come back when the answer is in. */
const dialogAnswered = (page: Page) => page.waitForFunction(`!${inDialog('#fg-verify')}.disabled`);

/** dave's push, as the push simulator holds it. */
function davesPush(walk: Walk): { transactionid: string; number?: number; choices: number[] } {
  // The newest (the simulator lists newest first): the logins of the states before were left, not
  // cancelled, and each new push ended them and withdrew theirs: the newest is the one open.
  const newest = walk.stack.sims.linotp.pending('dave')[0];
  if (!newest) throw new Error('dave has no push pending');
  return newest;
}

/** Without the script: dave's push denied on his phone and the page told, so the flow asks for the app's code. */
async function davesPushDenied(walk: Walk): Promise<void> {
  await plain(walk, 'dave');
  walk.stack.sims.linotp.deny(davesPush(walk).transactionid);
  await walk.page.click('form[action="/mfa/push/confirm"] [type="submit"]');
  await walk.page.waitForSelector('form[action="/mfa/step"]');
}

/** dave picks a number on his phone that is not the one the login shows. */
function pickWrongNumber(walk: Walk): void {
  const push = davesPush(walk);
  walk.stack.sims.linotp.approve(push.transactionid, push.choices.find((n) => n !== push.number));
}

/** A sign-in by passcode with "Remember this browser" ticked, through to the gateway's portal. */
export async function rememberedSignIn(walk: Walk, user: string): Promise<void> {
  await dialog(walk, user, '#fg-passcode:visible');
  await walk.page.fill('#fg-passcode', await passcodeFor(walk, user));
  await walk.page.check('#fg-remember');
  await walk.page.click('#fg-verify');
  await walk.page.waitForURL(/\/portal\//);
}

/** `user` signed in at /manageotp (with an app's code, given `code`), on the home page. */
export async function manageSignIn(walk: Walk, user: string, code?: () => Promise<string>): Promise<void> {
  const { page } = walk;
  await page.goto(`${walk.origin}/manageotp`);
  await page.fill('#fg-username', user);
  await page.fill('#fg-password', PASSWORDS[user]!);
  await page.click('form[action="/manageotp/signin"] [type="submit"]');
  if (code) {
    await page.waitForSelector('#fg-code');
    await page.fill('#fg-code', await code());
    await page.click('form[action="/manageotp/code"] [type="submit"]');
  }
  await page.waitForSelector('#fg-name');
}

/** /manageotp's add-a-device page for alice: the QR code and the key; gives her new app. */
async function addDevice(walk: Walk, name: string): Promise<TOTP> {
  await manageSignIn(walk, 'alice');
  return setUpDevice(walk, name);
}

/** From the signed-in home page: a device added, its setup page shown; gives the new app. */
async function setUpDevice(walk: Walk, name: string): Promise<TOTP> {
  const { page } = walk;
  await page.fill('#fg-name', name);
  await page.click('form[action="/manageotp/devices"] [type="submit"]');
  await page.waitForSelector('#fg-setup-key');
  const uri = (await page.getAttribute('a[href^="otpauth://"]', 'href'))!;
  return new TOTP({ secret: Secret.fromBase32(new URL(uri).searchParams.get('secret')!), digits: 6, period: 30, algorithm: 'SHA1' });
}

/** A device added and set up with its first code, back on the list of devices. */
async function addConfirmedDevice(walk: Walk, name: string): Promise<void> {
  const app = await setUpDevice(walk, name);
  await walk.page.fill('#fg-confirm-code', app.generate());
  await walk.page.click('form[action$="/confirm"] [type="submit"]');
  await walk.page.waitForSelector(`.fg-devices a:has-text(${JSON.stringify(name)})`);
}

/** erin, the walk's administrator, signs in to /admin with her password and her app's code. */
async function adminSignIn(walk: Walk): Promise<void> {
  const { page } = walk;
  await page.goto(`${walk.origin}/admin`);
  await page.fill('#fg-username', 'erin');
  await page.fill('#fg-password', PASSWORDS.erin!);
  await page.click('form[action="/admin/signin"] [type="submit"]');
  await page.waitForSelector('#fg-code');
  await page.fill('#fg-code', await walk.erinCode());
  await page.click('form[action="/admin/code"] [type="submit"]');
  await page.waitForSelector('form[role="search"]');
}

/** Fails at once, naming what is missing, when the page has nothing that matches `selector`. */
async function shows(page: Page, selector: string): Promise<void> {
  if (await page.locator(selector).count() === 0) throw new Error(`the page shows nothing that matches ${selector}`);
}

/** The device alice set up, on its own page in the portal session the state before left. */
async function alicesDevice(walk: Walk): Promise<void> {
  await walk.page.goto(`${walk.origin}/manageotp`);
  await walk.page.click('.fg-devices a:has-text("desk phone")');
  await walk.page.waitForSelector('#fg-test-code');
}

/**
 * Chromium's virtual authenticator on this tab (DevTools protocol, WebAuthn domain), holding
 * `credentials`; with `touched` false it waits for a touch that never comes, as a key in a drawer.
 */
async function virtualAuthenticator(page: Page, touched: boolean, credentials: readonly unknown[] = []): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'usb', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: touched },
  });
  for (const credential of credentials) await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credential as never });
  return { cdp, authenticatorId };
}

export const PAGE_STATES: readonly PageState[] = [
  // The gateway's login page, as factorgate passes it on, and the dialog at each step.
  { name: 'login page', javaScript: true, reach: async (w) => { await w.page.goto(`${w.origin}/vpn/index.html`); } },
  {
    name: 'login page, wrong password', javaScript: true,
    reach: async (w) => { await submitPassword(w, 'alice', 'not-alices-password'); await w.page.waitForSelector('.fg-form-error'); },
  },
  { name: 'dialog: passcode by e-mail', javaScript: true, reach: (w) => dialog(w, 'alice', '#fg-passcode:visible') },
  { name: 'dialog: passcode by SMS', javaScript: true, reach: (w) => dialog(w, 'carol', '#fg-passcode:visible') },
  { name: 'dialog: code from an authenticator app', javaScript: true, reach: (w) => dialog(w, 'erin', '#fg-passcode:visible') },
  {
    name: 'dialog: passcode, other options open', javaScript: true,
    async reach(w) {
      await dialog(w, 'bob', '#fg-passcode:visible');
      await w.page.click('#fg-code-options');
      await w.page.waitForSelector('#fg-via-sms:visible');
    },
  },
  {
    name: 'dialog: wrong passcode', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      await w.page.fill('#fg-passcode', await wrongPasscode(w, 'alice'));
      await w.page.click('#fg-verify');
      await w.page.waitForSelector('#fg-message:not([hidden])');
    },
  },
  {
    name: 'dialog: a new passcode sent', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      await w.page.click('#fg-resend');
      await dialogAnswered(w.page);
    },
  },
  {
    name: 'dialog: the login is gone (ended, expired, or its cookie lost)', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      await w.page.context().clearCookies();
      await w.page.fill('#fg-passcode', await passcodeFor(w, 'alice'));
      await w.page.click('#fg-verify');
      await w.page.waitForSelector('#fg-restart:visible');
    },
  },
  {
    name: 'dialog: too many new passcodes', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      // One more than a login may ask for (limits.resendsPerLogin, 3 by default).
      for (let i = 0; i < 4 && await w.page.isVisible('#fg-resend'); i++) {
        await w.page.click('#fg-resend');
        await dialogAnswered(w.page);
      }
      await w.page.waitForSelector('#fg-message:not([hidden])');
    },
  },
  {
    name: 'dialog: locked after wrong passcodes', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      const wrong = await wrongPasscode(w, 'alice');
      for (let i = 0; i < 3 && await w.page.isVisible('#fg-passcode'); i++) {
        await w.page.fill('#fg-passcode', wrong);
        await w.page.click('#fg-verify');
        await dialogAnswered(w.page);
      }
      await w.page.waitForSelector('#fg-restart:visible');
      await w.unlock('alice'); // for the states after this one
    },
  },
  {
    name: 'dialog: two-factor service down', javaScript: true,
    async reach(w) {
      w.stack.sims.anakam.setFault({ refuse: true });
      try {
        await dialog(w, 'alice', '#fg-restart:visible');
      } finally {
        w.stack.sims.anakam.clearFault();
      }
    },
  },
  { name: 'dialog: push waiting, number shown', javaScript: true, reach: (w) => dialog(w, 'dave', '#fg-number:not([hidden])') },
  {
    name: 'dialog: push, other options open', javaScript: true,
    async reach(w) {
      await dialog(w, 'dave', '#fg-number:not([hidden])');
      await w.page.click('#fg-push-options');
      await w.page.waitForSelector('#fg-use-code:visible');
    },
  },
  {
    name: 'dialog: push, code typed instead', javaScript: true,
    async reach(w) {
      await dialog(w, 'dave', '#fg-number:not([hidden])');
      await w.page.click('#fg-push-options');
      await w.page.click('#fg-use-code');
      await w.page.waitForSelector('#fg-passcode:visible');
    },
  },
  {
    name: 'dialog: push, wrong number picked', javaScript: true,
    async reach(w) {
      await dialog(w, 'dave', '#fg-number:not([hidden])');
      pickWrongNumber(w);
      await w.page.waitForSelector('#fg-push-resend:visible');
    },
  },
  {
    name: 'dialog: push denied', javaScript: true,
    async reach(w) {
      await dialog(w, 'dave', '#fg-number:not([hidden])');
      w.stack.sims.linotp.deny(davesPush(w).transactionid);
      await w.page.waitForSelector('#fg-restart:visible');
    },
  },

  // The same steps without a script: factorgate's own pages.
  {
    name: 'no script: login page, wrong password', javaScript: false,
    reach: async (w) => { await submitPassword(w, 'alice', 'not-alices-password'); await w.page.waitForSelector('.fg-form-error'); },
  },
  { name: 'no script: passcode by e-mail', javaScript: false, reach: (w) => plain(w, 'alice') },
  { name: 'no script: passcode by SMS', javaScript: false, reach: (w) => plain(w, 'carol') },
  { name: 'no script: code from an authenticator app', javaScript: false, reach: (w) => plain(w, 'erin') },
  {
    name: 'no script: passcode, other options open', javaScript: false,
    async reach(w) {
      await plain(w, 'bob');
      await w.page.click('summary');
      await w.page.waitForSelector('form[action="/mfa/resend"]:has(input[name="via"]) button');
    },
  },
  {
    name: 'no script: wrong passcode', javaScript: false,
    async reach(w) {
      await plain(w, 'alice');
      await w.page.fill('input[name="passcode"]', await wrongPasscode(w, 'alice'));
      await w.page.click('form[action="/mfa/passcode"] [type="submit"]');
      await w.page.waitForSelector('.fg-message');
    },
  },
  {
    name: 'no script: too many new passcodes', javaScript: false,
    async reach(w) {
      await plain(w, 'alice');
      for (let i = 0; i < 4 && await w.page.isVisible('form[action="/mfa/resend"] [type="submit"]'); i++) {
        await w.page.click('form[action="/mfa/resend"] [type="submit"]');
        await w.page.waitForLoadState('load');
      }
      await w.page.waitForSelector('.fg-message');
    },
  },
  {
    name: 'no script: locked after wrong passcodes', javaScript: false,
    async reach(w) {
      await plain(w, 'alice');
      const wrong = await wrongPasscode(w, 'alice');
      for (let i = 0; i < 3 && await w.page.isVisible('input[name="passcode"]'); i++) {
        await w.page.fill('input[name="passcode"]', wrong);
        await w.page.click('form[action="/mfa/passcode"] [type="submit"]');
        await w.page.waitForLoadState('load');
      }
      await w.page.waitForSelector('.fg-message');
      await w.unlock('alice');
    },
  },
  {
    name: 'no script: two-factor service down', javaScript: false,
    async reach(w) {
      w.stack.sims.anakam.setFault({ refuse: true });
      try {
        await submitPassword(w, 'alice');
        await w.page.waitForSelector('.fg-message');
      } finally {
        w.stack.sims.anakam.clearFault();
      }
    },
  },
  { name: 'no script: push waiting, number shown', javaScript: false, except: PUSH_REFRESH, reach: (w) => plain(w, 'dave') },
  {
    name: 'no script: push, "I approved it" before approving', javaScript: false, except: PUSH_REFRESH,
    async reach(w) {
      await plain(w, 'dave');
      await w.page.click('form[action="/mfa/push/confirm"] [type="submit"]');
      await w.page.waitForLoadState('load');
    },
  },
  {
    name: 'no script: push, wrong number picked', javaScript: false, except: PUSH_REFRESH,
    async reach(w) {
      await plain(w, 'dave');
      pickWrongNumber(w);
      await w.page.click('form[action="/mfa/push/confirm"] [type="submit"]');
      await w.page.waitForSelector('.fg-message');
    },
  },
  {
    name: 'no script: push denied', javaScript: false,
    async reach(w) {
      await plain(w, 'dave');
      w.stack.sims.linotp.deny(davesPush(w).transactionid);
      await w.page.click('form[action="/mfa/push/confirm"] [type="submit"]');
      await w.page.waitForSelector('.fg-message');
    },
  },

  // A push that expired before it was answered (pushes last seconds on this stack).
  {
    name: 'dialog: push expired', javaScript: true,
    async reach(w) {
      await dialog(await w.on('shortPush'), 'dave', '#fg-number:not([hidden])');
      // Told by the server the moment the push server lets it go.
      await w.page.waitForSelector('#fg-push-resend:visible', { timeout: 20_000 });
    },
  },
  {
    name: 'no script: push expired', javaScript: false,
    async reach(w) {
      await plain(await w.on('shortPush'), 'dave');
      // The page reloads itself at the push's expiry and then offers a new one; no refresh is left to run.
      await w.page.waitForSelector('form[action="/mfa/resend"]:not(details form)', { timeout: 20_000 });
    },
  },

  // An authenticator app set up at sign-in: erin has none on this stack, and otp.withoutDevice is enrol.
  {
    name: 'dialog: set up an authenticator app at sign-in', javaScript: true,
    async reach(w) {
      await dialog(await w.on('enrolAtLogin'), 'erin', '#fg-enrol:visible');
      await w.page.waitForFunction(`${inDialog('#fg-qr')}.naturalWidth > 0`);
    },
  },
  {
    name: 'dialog: set up an authenticator app at sign-in, wrong code', javaScript: true,
    async reach(w) {
      await dialog(await w.on('enrolAtLogin'), 'erin', '#fg-enrol:visible');
      await w.page.fill('#fg-passcode', '000000');
      await w.page.click('#fg-verify');
      await w.page.waitForSelector('#fg-message:not([hidden])');
    },
  },
  {
    name: 'no script: set up an authenticator app at sign-in', javaScript: false,
    async reach(w) {
      await plain(await w.on('enrolAtLogin'), 'erin');
      await w.page.waitForSelector('.fg-key');
    },
  },
  {
    name: 'no script: set up an authenticator app at sign-in, wrong code', javaScript: false,
    async reach(w) {
      await plain(await w.on('enrolAtLogin'), 'erin');
      await w.page.fill('#fg-passcode', '000000');
      await w.page.click('form:has(#fg-passcode) [type="submit"]');
      await w.page.waitForSelector('.fg-message');
    },
  },
  {
    name: 'no script: a flow\'s form answered, no app registered', javaScript: false,
    async reach(w) {
      await davesPushDenied(await w.on('flowForm'));
      await w.page.fill('form[action="/mfa/step"] input[name="code"]', '000000');
      await w.page.click('form[action="/mfa/step"] [type="submit"]');
      await w.page.waitForLoadState('load');
    },
  },

  // A flow's own form ("ask"): the app's code the flow asks for once dave's push is denied. dave
  // has no app, so "Other options" does not offer it (test/login/other_options.test.ts).
  {
    name: 'dialog: a flow\'s form (the app\'s code)', javaScript: true,
    async reach(w) {
      const form = await w.on('flowForm');
      await dialog(form, 'dave', '#fg-number:not([hidden])');
      form.stack.sims.linotp.deny(davesPush(form).transactionid);
      await w.page.waitForSelector('#fg-ask-form:visible');
    },
  },
  {
    name: 'no script: a flow\'s form (the app\'s code)', javaScript: false,
    async reach(w) {
      await davesPushDenied(await w.on('flowForm'));
    },
  },

  // A way chosen under "Other options" that cannot start: alice has no push token, so the push
  // offered after her passcode fails and the passcode step stands, with a notice, and nothing left
  // to offer but the recovery code (test/login/chosen_way_fails.test.ts).
  {
    name: 'dialog: another way not available, the step stands', javaScript: true,
    async reach(w) {
      await dialog(await w.on('pushAfterPasscode'), 'alice', '#fg-passcode:visible');
      await w.page.click('#fg-code-options');
      await w.page.click('#fg-another button[data-way]');
      await w.page.waitForSelector('#fg-message:not([hidden])');
      await dialogAnswered(w.page);
    },
  },
  {
    name: 'no script: another way not available, the step stands', javaScript: false,
    async reach(w) {
      await plain(await w.on('pushAfterPasscode'), 'alice');
      await w.page.click('summary');
      await w.page.click('form[action="/mfa/another"] [type="submit"]');
      await w.page.waitForURL(/notice=way_unavailable/);
    },
  },

  // A recovery code from the help desk, from the dialog's link on.
  {
    name: 'recovery code page', javaScript: true,
    async reach(w) {
      await dialog(w, 'alice', '#fg-passcode:visible');
      await w.page.click('#fg-passcode-form a.fg-recovery');
      await w.page.waitForURL(/\/mfa\/recovery$/);
    },
  },
  {
    name: 'recovery code page, wrong code', javaScript: false,
    async reach(w) {
      await plain(w, 'alice');
      await w.page.goto(`${w.origin}/mfa/recovery`);
      await w.page.fill('input[name="code"]', 'ABCD-EFGH-JKLM-NPQR');
      await w.page.click('form[action="/mfa/recovery"] [type="submit"]');
      await w.page.waitForSelector('[role="alert"]');
    },
  },
  {
    name: 'recovery code taken: set up a new app', javaScript: false,
    async reach(w) {
      await plain(w, 'bob');
      await w.page.goto(`${w.origin}/mfa/recovery`);
      await w.page.fill('input[name="code"]', await w.recoveryCode('bob'));
      await w.page.click('form[action="/mfa/recovery"] [type="submit"]');
      await w.page.waitForSelector('.fg-key');
    },
  },

  // Failure pages.
  { name: 'failure: no login open', javaScript: false, reach: async (w) => { await w.page.goto(`${w.origin}/mfa/passcode`); } },
  { name: 'failure: a direct request for the gateway\'s login refused', javaScript: false, reach: async (w) => { await w.page.goto(`${w.origin}/cgi/login`); } },

  // /manageotp: alice adds an app, then manages it; erin, who has one, signs in with its code.
  { name: '/manageotp: sign-in', javaScript: true, reach: async (w) => { await w.page.goto(`${w.origin}/manageotp`); } },
  {
    name: '/manageotp: sign-in refused', javaScript: true,
    async reach(w) {
      await w.page.goto(`${w.origin}/manageotp`);
      await w.page.fill('#fg-username', 'alice');
      await w.page.fill('#fg-password', 'not-alices-password');
      await w.page.click('form[action="/manageotp/signin"] [type="submit"]');
      await w.page.waitForSelector('[role="alert"]');
    },
  },
  { name: '/manageotp: home, no device yet, passkeys', javaScript: true, reach: (w) => manageSignIn(w, 'alice') },
  { name: '/manageotp: add a device (QR code and key)', javaScript: true, reach: async (w) => { await addDevice(w, 'work phone'); } },
  {
    // On a phone too the notice, the field for the next code and its button are on the first screen.
    name: '/manageotp: add a device, wrong first code', javaScript: true, firstScreen: { phone: ['[role="alert"]', '#fg-confirm-code'] },
    async reach(w) {
      const app = await addDevice(w, 'work phone');
      await w.page.fill('#fg-confirm-code', app.generate({ timestamp: Date.now() + 10 * 30_000 }));
      await w.page.click('form[action$="/confirm"] [type="submit"]');
      await w.page.waitForSelector('[role="alert"]');
    },
  },
  {
    name: '/manageotp: device set up', javaScript: true,
    async reach(w) {
      const app = await addDevice(w, 'desk phone');
      await w.page.fill('#fg-confirm-code', app.generate());
      await w.page.click('form[action$="/confirm"] [type="submit"]');
      await w.page.waitForSelector('.fg-devices a:has-text("desk phone")');
    },
  },
  { name: '/manageotp: a device, to test, rename or remove', javaScript: true, continues: true, reach: alicesDevice },
  {
    name: '/manageotp: a device, wrong test code', javaScript: true, continues: true,
    async reach(w) {
      await alicesDevice(w);
      await w.page.fill('#fg-test-code', '000000');
      await w.page.click('form[action$="/test"] [type="submit"]');
      await w.page.waitForSelector('[role="alert"]');
    },
  },
  {
    name: '/manageotp: a device renamed', javaScript: true, continues: true,
    async reach(w) {
      await alicesDevice(w);
      await w.page.fill('form[action$="/rename"] input[name="name"]', 'desk phone, renamed');
      await w.page.click('form[action$="/rename"] [type="submit"]');
      await w.page.waitForLoadState('load');
    },
  },
  {
    name: '/manageotp: remove a device, confirmation', javaScript: true, continues: true,
    async reach(w) {
      await alicesDevice(w);
      await w.page.click('a[href$="/remove"]');
      await w.page.waitForSelector('form[action$="/remove"]');
    },
  },
  {
    name: '/manageotp: sign-in, code step', javaScript: true,
    async reach(w) {
      await w.page.goto(`${w.origin}/manageotp`);
      await w.page.fill('#fg-username', 'alice');
      await w.page.fill('#fg-password', PASSWORDS.alice!);
      await w.page.click('form[action="/manageotp/signin"] [type="submit"]');
      await w.page.waitForSelector('#fg-code');
    },
  },
  // erin, who has an app, signs in with its code and adds a passkey; the login then asks for it.
  { name: '/manageotp: signed in with an app\'s code', javaScript: true, reach: (w) => manageSignIn(w, 'erin', w.erinCode) },
  {
    name: '/manageotp: a passkey added', javaScript: true, continues: true,
    async reach(w) {
      const { cdp, authenticatorId } = await virtualAuthenticator(w.page, true);
      await w.page.goto(`${w.origin}/manageotp`);
      await w.page.fill('#fg-passkey-name', 'laptop');
      await w.page.click('form[data-factorgate="add-passkey"] [type="submit"]');
      await w.page.waitForURL(/\/manageotp\?m=passkey_added$/);
      w.passkeys.push(...(await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials);
    },
  },
  {
    name: 'dialog: passkey asked for, waiting for a touch', javaScript: true,
    async reach(w) {
      await virtualAuthenticator(w.page, false, w.passkeys);
      await dialog(w, 'erin', '#fg-webauthn:not([hidden])');
    },
  },
  {
    // erin's passkey first, her app's code as the other way, named.
    name: 'dialog: passkey asked for, no key answered, the other way offered', javaScript: true,
    async reach(w) {
      await virtualAuthenticator(w.page, false, w.passkeys);
      await dialog(w, 'erin', '#fg-webauthn:not([hidden])');
      await w.page.waitForFunction(`window.SimpleWebAuthnBrowser?.WebAuthnAbortService.cancelCeremony(), ${inDialog('#fg-message')}.textContent.length > 0`);
      await w.page.waitForSelector('#fg-webauthn-another button');
    },
  },
  {
    name: 'no script: passkey needs JavaScript, the other way offered', javaScript: false,
    async reach(w) {
      await plain(w, 'erin');
      await w.page.waitForSelector('form[action="/mfa/another"] input[name="way"]', { state: 'attached' });
    },
  },
  { name: '/manageotp: page not found', javaScript: false, reach: async (w) => { await w.page.goto(`${w.origin}/manageotp/no-such-page`); } },
  {
    // carol, after the states that sign her in (a passkey of hers would be asked for first): two
    // browsers remembered at sign-in, this one the second, then three apps and two keys.
    name: '/manageotp: home with three apps, two passkeys and two remembered browsers', javaScript: true,
    async reach(w) {
      for (let browser = 1; browser <= 2; browser++) {
        await w.page.context().clearCookies();
        await rememberedSignIn(w, 'carol');
      }
      await manageSignIn(w, 'carol');
      for (const name of ['work phone', 'tablet', 'old phone']) await addConfirmedDevice(w, name);
      // Two keys, so two authenticators: the browser will not register a second credential on a key that holds one.
      for (const [i, name] of ['laptop', 'blue YubiKey'].entries()) {
        const { cdp, authenticatorId } = await virtualAuthenticator(w.page, true);
        await w.page.fill('#fg-passkey-name', name);
        await w.page.click('form[data-factorgate="add-passkey"] [type="submit"]');
        await w.page.waitForSelector(`#fg-passkeys tbody tr:nth-child(${i + 1})`);
        await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
      }
      await w.page.goto(`${w.origin}/manageotp`);
    },
  },
  {
    name: '/manageotp: the remembered browsers opened', javaScript: true, continues: true,
    // Checked for width and axe-core open; the page's actions were checked on the first screen
    // in the state before, where the list is folded: opened, it is a list of its own, below them.
    longList: 'the remembered browsers, opened by the user, below the add forms the state before checks',
    async reach(w) {
      await w.page.goto(`${w.origin}/manageotp`);
      await w.page.click('#fg-browsers summary');
      await w.page.waitForSelector('form[action="/manageotp/browsers/forget-all"] button:visible');
      // The second sign-in's browser is this one: its cookie's copy under /manageotp names it.
      await shows(w.page, '#fg-browsers tbody tr:nth-child(2) .fg-this-browser');
    },
  },
  {
    name: '/manageotp: a key\'s rename opened', javaScript: true, continues: true,
    async reach(w) {
      await w.page.goto(`${w.origin}/manageotp`);
      await w.page.click('#fg-passkeys summary');
      await w.page.waitForSelector('#fg-passkeys input[name="name"]');
    },
  },

  // /admin, erin its administrator: an action on a key that holds "/", the home page that lists
  // it, a user's page, and an address that names no key.
  { name: '/admin: sign-in', javaScript: true, reach: async (w) => { await w.page.goto(`${w.origin}/admin`); } },
  {
    name: '/admin: home, each recent action\'s user a link to their page', javaScript: true,
    async reach(w) {
      await adminSignIn(w);
      for (const segment of ['corp~2Falice', 'alice']) {
        await w.page.goto(`${w.origin}/admin/users/${segment}/confirm/unlock`);
        await w.page.click('form[action$="/do/unlock"] [type="submit"]');
        await w.page.waitForSelector('h1:has-text("User")');
      }
      await w.page.goto(`${w.origin}/admin`);
      await shows(w.page, 'td[data-label="User"] a[href="/admin/users/corp~2Falice"]');
    },
  },
  {
    // corp/alice's page, from the link on the home page (alice's would list the walk's many waiting sign-ins).
    name: '/admin: a user\'s page, from the recent actions', javaScript: true, continues: true,
    async reach(w) {
      await w.page.goto(`${w.origin}/admin`);
      await w.page.click('td[data-label="User"] a[href="/admin/users/corp~2Falice"]');
      await w.page.waitForURL(/\/admin\/users\/corp~2Falice$/);
      await shows(w.page, 'h1:has-text("User corp/alice")');
    },
  },
  {
    // "Alice" is no key (keys are folded): the page offers the search box.
    name: '/admin: nothing here, the search offered', javaScript: true, continues: true,
    async reach(w) {
      await w.page.goto(`${w.origin}/admin/users/Alice`);
      await shows(w.page, 'form[role="search"] input[name="name"]');
    },
  },
  {
    // A typed name the user-name rules refuse: the search box given back holding it, to be corrected.
    name: '/admin: a typed name refused, the search box holding it', javaScript: true, continues: true, firstScreen: { phone: ['[role="alert"]', '#fg-user'] },
    async reach(w) {
      await w.page.goto(`${w.origin}/admin/users?name=${encodeURIComponent('a@b@c')}`);
      await shows(w.page, 'form[role="search"] input[name="name"][value="a@b@c"][aria-invalid="true"]');
    },
  },
  {
    // 50 a page (src/adminweb/paging.ts): the walk leaves fewer, so they are all on the one page.
    name: '/admin: sign-ins now', javaScript: true, continues: true, longList: 'a page of the sign-ins waiting (up to 50; the walk leaves dozens), each with its button, comes before "Refresh"',
    async reach(w) {
      await w.page.goto(`${w.origin}/admin/logins`);
      await shows(w.page, 'p:has-text("newest first")');
    },
  },

  // Last: the gateway stops answering for the rest of this walk.
  {
    name: 'failure: gateway down', javaScript: false,
    async reach(w) {
      await w.stack.sims.gateway.close();
      await w.page.goto(`${w.origin}/vpn/index.html`);
    },
  },
];
