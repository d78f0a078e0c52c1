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
import { frontOverrides, startFront, type Front, type RunningFront } from './fronts.js';

export type Harness = {
  fg: RunningFactorgate;
  /** What browsers go to: factorgate, or the edge proxy in front of it (options.front). */
  url: string;
  front: RunningFront;
  gateway: GatewayStub;
  config: Config;
  logs: ReturnType<typeof captureLogs>;
  browser(): TestBrowser;
  close(): Promise<void>;
};

/**
 * The real factorgate app against a local gateway stub; the two-factor server is nock, or, with
 * `anakam: false`, not configured at all. With `front`, a real nginx or HAProxy runs the
 * generated edge configuration in front of them.
 */
export async function startHarness(overrides: Record<string, unknown> = {}, options: { clock?: Clock; anakam?: boolean; store?: Store; front?: Front } = {}): Promise<Harness> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const gateway = await startGatewayStub();
  const logs = captureLogs();
  const front = options.front ?? 'factorgate';
  const config = testConfig(gateway.url, { ...frontOverrides(front), ...overrides }, { anakam: options.anakam });
  const fg = await startFactorgate(config, { logger: logs.logger, clock: options.clock, store: options.store });
  const running = await startFront(front, config, fg, logs.lines);
  return {
    fg, url: running.url, front: running, gateway, config, logs,
    browser: () => new TestBrowser(running.url),
    async close() {
      await running.close();
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
