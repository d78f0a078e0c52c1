import express from 'express';
import helmet from 'helmet';
import { parse as parseCookies } from 'cookie';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nock from 'nock';
import type { Config } from '../../../src/config/schema.js';
import { manageOtpRoutes, type ManageDeps } from '../../../src/manage/routes.js';
import { checkCode } from '../../../src/otp/check_code.js';
import { newDeviceId, type DeviceStore } from '../../../src/otp/device_store.js';
import { sealSecret } from '../../../src/otp/secrets.js';
import { SqliteDeviceStore } from '../../../src/otp/sqlite_device_store.js';
import { Totp } from '../../../src/otp/totp.js';
import { Keyring } from '../../../src/security/keyring.js';
import { Limits } from '../../../src/security/limits.js';
import { UserNames, userNamesSchema, type UserNamesConfig } from '../../../src/identity/user_names.js';
import { MemoryStore } from '../../../src/state/memory_store.js';
import type { Store } from '../../../src/state/store.js';
import { webauthnConfigSchema, type WebauthnConfig } from '../../../src/providers/webauthn/config.js';
import { WebauthnProvider } from '../../../src/providers/webauthn/webauthn_provider.js';
import { TestBrowser, type Reply } from '../../helpers/browser.js';
import { FakeClock } from '../../helpers/clock.js';
import { captureLogs } from '../../helpers/log_capture.js';

// The /manageotp router in a small express app set up as src/app.ts sets up factorgate's own
// (cookie parsing, trust proxy off, helmet on /mfa only: the portal must bring its own headers),
// on a real SQLite device file, with the password check stubbed.

export const SECRET = 'manage-test-secret-0123456789-abcdefghij';
export const STEP = 30_000;
/** The directory the stub believes in. */
export const PASSWORDS: Record<string, string> = { alice: 'alice-correct-horse', bob: 'bob-battery-staple' };

export type PortalUnderTest = {
  url: string;
  clock: FakeClock;
  store: DeviceStore;
  /** The SQLite store itself (it holds the passkeys too). */
  sqlite: SqliteDeviceStore;
  sessions: MemoryStore;
  keyring: Keyring;
  totp: Totp;
  logs: ReturnType<typeof captureLogs>;
  /** Every call of the stubbed password check. */
  passwordChecks: Array<{ username: string; ip: string }>;
  browser(): TestBrowser;
  /** An active device for the user, as if registered earlier; gives the clear secret. */
  seedDevice(user: string, name?: string): Promise<{ id: string; secret: string }>;
  /** Would this code pass at login (the TOTP provider's check)? */
  loginCheck(user: string, code: string): ReturnType<typeof checkCode>;
  close(): Promise<void>;
};

export const defaultLimits: Config['limits'] = { windowSeconds: 900, loginStartsPerUser: 10, loginStartsPerClient: 30, wrongAnswersPerUser: 10, pushesPerUser: 5, resendsPerLogin: 3, ipv6PrefixLength: 64 };

export type PortalOptions = {
  limits?: Partial<Config['limits']>;
  /** How typed names become keys (the users section); its defaults otherwise. */
  users?: Partial<UserNamesConfig>;
  maxDevices?: number;
  /** Wraps the SQLite store (to make it fail, say). */
  wrapStore?: (store: DeviceStore) => DeviceStore;
  /** Passkeys at the portal: the webauthn section (its rpId and origins given), as factorgate wires it. */
  webauthn?: Partial<WebauthnConfig>;
  /** Wraps the portal's session store (to hold its reads back, say). */
  wrapSessions?: (store: Store) => Store;
};

export async function startPortal(options: PortalOptions = {}): Promise<PortalUnderTest> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const dir = mkdtempSync(join(tmpdir(), 'fg-manage-'));
  const clock = new FakeClock();
  const sqlite = await SqliteDeviceStore.open({ path: join(dir, 'devices.sqlite'), clock });
  const store = options.wrapStore ? options.wrapStore(sqlite) : sqlite;
  const sessions = new MemoryStore(clock);
  const keyring = new Keyring(SECRET);
  const totp = new Totp();
  const logs = captureLogs();
  const limits = { ...defaultLimits, ...options.limits };
  const passwordChecks: PortalUnderTest['passwordChecks'] = [];
  const webauthn = options.webauthn && webauthnConfigSchema.parse({ enabled: true, ...options.webauthn });
  const deps: ManageDeps = {
    store, keyring, totp, sessions: options.wrapSessions ? options.wrapSessions(sessions) : sessions,
    limits: new Limits(sessions, limits),
    userNames: new UserNames(userNamesSchema.parse(options.users ?? {})),
    login: { maxUsernameLength: 128, maxPasswordLength: 256 },
    // As a directory by its account names: an unknown user is just "no".
    verifyPassword: async (user, password, client) => {
      passwordChecks.push({ username: user.key, ip: client.ip });
      return PASSWORDS[user.key] === password ? user : undefined;
    },
    cookies: { secure: false, sameSite: 'lax' },
    logger: logs.logger, clock, maxDevices: options.maxDevices ?? 5,
    ...(webauthn && {
      webauthn: { store: sqlite, config: webauthn, provider: new WebauthnProvider({ store: sqlite, config: webauthn, logger: logs.logger, now: () => clock.now() }) },
    }),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, _res, next) => {
    req.cookies = req.headers.cookie ? parseCookies(req.headers.cookie) : {};
    next();
  });
  app.use('/mfa', helmet());
  app.use(manageOtpRoutes(deps));
  app.use((_req, res) => void res.status(404).send('not found'));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url, clock, store, sqlite, sessions, keyring, totp, logs, passwordChecks,
    browser: () => new TestBrowser(url),
    async seedDevice(user, name = 'old phone') {
      const id = newDeviceId();
      const secret = totp.generateSecret();
      await store.add(user, { id, name, sealedSecret: sealSecret(keyring, user, id, secret), active: true });
      return { id, secret };
    },
    loginCheck: (user, code) => checkCode({ store, keyring, totp, clock, logger: logs.logger }, user, code),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sqlite.close();
      await sessions.close();
      rmSync(dir, { recursive: true, force: true });
      nock.cleanAll();
      nock.enableNetConnect();
    },
  };
}

/** The first CSRF field of a page, as a browser would submit it. */
export function csrfOf(page: string): string {
  const match = /name="csrf" value="([^"]+)"/.exec(page);
  if (!match) throw new Error(`page carries no csrf field:\n${page.slice(0, 500)}`);
  return match[1]!;
}

/** Opens the sign-in page and posts the password. */
export async function postPassword(browser: TestBrowser, username: string, password: string): Promise<Reply> {
  const page = await browser.get('/manageotp');
  return browser.post('/manageotp/signin', { username, password, csrf: csrfOf(page.body) });
}

/** Follows a 303 (the browser's GET after a form post). */
export async function follow(browser: TestBrowser, reply: Reply): Promise<Reply> {
  if (reply.status !== 303) throw new Error(`expected a 303, got ${reply.status}: ${reply.body.slice(0, 300)}`);
  return browser.get(reply.headers.get('location')!);
}

/** Signs in a user with no active device (the password is enough) and gives the portal page. */
export async function signedIn(portal: PortalUnderTest, user = 'alice'): Promise<{ browser: TestBrowser; page: Reply }> {
  const browser = portal.browser();
  const reply = await postPassword(browser, user, PASSWORDS[user]!);
  const page = await follow(browser, reply);
  if (!page.body.includes('Your authenticator apps')) throw new Error('not signed in');
  return { browser, page };
}

/** Signs in a user who has the device `secret`: password, then the current code. */
export async function signedInWithCode(portal: PortalUnderTest, secret: string, user = 'alice'): Promise<{ browser: TestBrowser; page: Reply }> {
  const browser = portal.browser();
  const codePage = await follow(browser, await postPassword(browser, user, PASSWORDS[user]!));
  const reply = await browser.post('/manageotp/code', { code: portal.totp.codeAt(secret, portal.clock.now()), csrf: csrfOf(codePage.body) });
  const page = await follow(browser, reply);
  if (!page.body.includes('Your authenticator apps')) throw new Error('not signed in with the code');
  portal.clock.advance(STEP); // the code is spent: later steps use the next one
  return { browser, page };
}

/** Adds a device through the form; gives its id, the setup page, and the secret read from the page's otpauth:// URI. */
export async function addDevice(browser: TestBrowser, csrf: string, name = 'new phone'): Promise<{ id: string; setup: Reply; uri: string; secret: string }> {
  const added = await browser.post('/manageotp/devices', { name, csrf });
  const setup = await follow(browser, added);
  const id = /\/manageotp\/devices\/([0-9a-f-]+)$/.exec(added.headers.get('location')!)![1]!;
  const uri = /<a href="(otpauth:[^"]+)"/.exec(setup.body)![1]!.replaceAll('&amp;', '&');
  return { id, setup, uri, secret: new URL(uri).searchParams.get('secret')! };
}
