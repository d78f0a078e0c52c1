import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { Keyring } from '../../src/security/keyring.js';
import { newDeviceId } from '../../src/otp/device_store.js';
import { sealSecret } from '../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../src/otp/sqlite_device_store.js';
import { Totp } from '../../src/otp/totp.js';
import { AnakamScript } from '../helpers/anakam_script.js';
import { TestBrowser, type Reply } from '../helpers/browser.js';
import { FakeClock } from '../helpers/clock.js';
import type { Front } from '../helpers/fronts.js';
import { TEST_SECRET } from '../helpers/config.js';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';

// factorgate with /admin on, against the gateway stub (alice and bob), Anakam by nock, and a
// SQLite device file in which alice (the administrator) and bob (a user) each have an app.

export const STEP = 30_000;

export type AdminUnderTest = {
  h: Harness;
  clock: FakeClock;
  /** The login state store factorgate runs on. */
  store: MemoryStore;
  devices: SqliteDeviceStore;
  /** The clear secrets of alice's and bob's apps. */
  secrets: { alice: string; bob: string };
  auditFile: string;
  /** The code an app shows now; the clock then moves a step on, so the next code is a new one. */
  codeOf(user: 'alice' | 'bob'): string;
  close(): Promise<void>;
};

/** factorgate with /admin; `front`: nginx or HAProxy running the generated edge configuration in front of it. */
/** `wrapStore`: what factorgate gets instead of the store itself (to count its reads, say); `store` stays the store. */
export async function startAdmin(overrides: Record<string, unknown> = {}, options: { front?: Front; wrapStore?: (store: MemoryStore) => Store } = {}): Promise<AdminUnderTest> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-adminweb-'));
  const path = join(dir, 'devices.sqlite');
  const clock = new FakeClock();
  const totp = new Totp();
  const seeding = await SqliteDeviceStore.open({ path, clock });
  const secrets = { alice: totp.generateSecret(), bob: totp.generateSecret() };
  for (const [user, secret] of Object.entries(secrets)) {
    const id = newDeviceId();
    await seeding.add(user, { id, name: `${user}'s phone`, sealedSecret: sealSecret(new Keyring(TEST_SECRET), user, id, secret) });
    await seeding.activate(user, id);
  }
  await seeding.close();
  const auditFile = join(dir, 'audit.jsonl');
  const store = new MemoryStore(clock);
  const h = await startHarness({
    otp: { enabled: true, sqlite: { path } },
    admin: { web: { enabled: true }, users: ['alice'], auditFile },
    // So that a test can come from another address (X-Forwarded-For) to the same listener.
    trustProxy: ['127.0.0.1'],
    ...overrides,
  }, { clock, store: options.wrapStore ? options.wrapStore(store) : store, ...(options.front && { front: options.front }) });
  const devices = await SqliteDeviceStore.open({ path, clock });
  return {
    h, clock, store, devices, secrets, auditFile,
    codeOf(user) {
      const code = totp.codeAt(secrets[user], clock.now());
      clock.advance(STEP);
      return code;
    },
    async close() {
      await devices.close();
      await h.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The first CSRF field of a page, as a browser would submit it. */
export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`page carries no csrf field:\n${page.slice(0, 500)}`);
  return match[1]!;
}

/** Follows a 303 (the browser's GET after a form post). */
export async function follow(browser: TestBrowser, reply: Reply): Promise<Reply> {
  if (reply.status !== 303) throw new Error(`expected a 303, got ${reply.status}: ${reply.body.slice(0, 300)}`);
  return browser.get(reply.headers.get('location')!);
}

/** Opens /admin and posts the password; gives the page the browser lands on. */
export async function postPassword(browser: TestBrowser, user: string, password: string): Promise<Reply> {
  const page = await browser.get('/admin');
  return browser.post('/admin/signin', { username: user, password, csrf: csrfOf(page.body) });
}

/** Both factors, as `user`: gives the reply to the code (a 303 home for an administrator). */
export async function signIn(admin: AdminUnderTest, user: 'alice' | 'bob' = 'alice', browser = admin.h.browser()): Promise<{ browser: TestBrowser; reply: Reply }> {
  const codePage = await follow(browser, await postPassword(browser, user, `${user}-pw`));
  expect(codePage.body).to.contain('Enter a code from your app');
  const reply = await browser.post('/admin/code', { code: admin.codeOf(user), csrf: csrfOf(codePage.body) });
  return { browser, reply };
}

/** alice signed in to /admin: her browser and home page. */
export async function signedIn(admin: AdminUnderTest, browser?: TestBrowser): Promise<{ browser: TestBrowser; home: Reply }> {
  const { browser: b, reply } = await signIn(admin, 'alice', browser);
  const home = await follow(b, reply);
  expect(home.body).to.contain('Find a user');
  return { browser: b, home };
}

/** An action on a user's page as an administrator takes it: the confirmation page, then its form. */
export async function act(browser: TestBrowser, path: string): Promise<{ confirm: Reply; done: Reply }> {
  const confirm = await browser.get(path);
  expect(confirm.status, confirm.body.slice(0, 300)).to.equal(200);
  const action = /<form method="post" action="([^"]+)"/.exec(confirm.body.slice(confirm.body.indexOf('<h1>')))![1]!.replaceAll('&amp;', '&');
  const done = await browser.post(action, { csrf: csrfOf(confirm.body) });
  return { confirm, done };
}

/** bob signs in once by Anakam with "remember this browser": the browser keeps the DeviceKey cookie. */
export async function bobRemembers(h: Harness, browser: TestBrowser, authKey = 'bbbbbbbb-2222-4e22-8018-e4cf70027375'): Promise<void> {
  new AnakamScript()
    .passcodeSent('bob', authKey)
    .step(authKey, 'VERIFY_PASSCODE', 'AUTHENTICATED', { deviceKey: 'device-key-for-bob-0001', deviceExpires: new Date(Date.now() + 8 * 3_600_000).toISOString() })
    .step(authKey, 'COMPLETE', 'COMPLETE');
  const started = (await startLogin(browser, 'bob', 'bob-pw')).json();
  const done = await browser.postJson('/mfa/passcode', { passcode: '424242', remember: 'on', csrf: started.csrf });
  expect(done.json().status).to.equal('done');
  expect(await browser.cookie('DeviceKey')).to.be.a('string');
}
