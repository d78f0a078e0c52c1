import nock from 'nock';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import type { Config } from '../../src/config/schema.js';
import { captureLogs } from './log_capture.js';
import { testConfig } from './config.js';
import { startGatewayStub, type GatewayStub } from './gateway_stub.js';
import { TestBrowser } from './browser.js';
import type { Clock } from '../../src/clock.js';
import type { Store } from '../../src/state/store.js';
import { freePort } from './processes.js';

export type Harness = {
  fg: RunningFactorgate;
  gateway: GatewayStub;
  config: Config;
  logs: ReturnType<typeof captureLogs>;
  browser(): TestBrowser;
  close(): Promise<void>;
};

/**
 * The real factorgate app against a local gateway stub; the two-factor server is nock, or, with
 * `anakam: false`, not configured at all.
 */
export async function startHarness(overrides: Record<string, unknown> = {}, options: { clock?: Clock; anakam?: boolean; store?: Store } = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const gateway = await startGatewayStub();
  const logs = captureLogs();
  const config = testConfig(gateway.url, overrides, { anakam: options.anakam });
  const fg = await startFactorgate(config, { logger: logs.logger, clock: options.clock, store: options.store });
  return {
    fg, gateway, config, logs,
    browser: () => new TestBrowser(fg.url),
    async close() {
      await fg.close();
      await gateway.close();
      nock.cleanAll();
    },
  };
}

/** Opens the login page and posts the first factor, as the browser with the injected script does. */
export async function startLogin(browser: TestBrowser, login: string, passwd: string, json = true) {
  const page = await browser.get('/vpn/index.html');
  const form = { login, passwd, fg_csrf: TestBrowser.formToken(page.body) };
  return json ? browser.postJson('/mfa/login', form) : browser.post('/mfa/login', form);
}

/** A localhost URL on which nothing listens: connections are refused at once. */
export async function closedPortUrl(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}
