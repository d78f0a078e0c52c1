import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';

export const ANAKAM_URL = 'http://tfa.test';
export const TEST_SECRET = 'test-secret-0123456789-abcdefghijklmnop';
export const API_USER = 'gw-api';
export const API_PASSWORD = 'api-pw-not-for-logs';

/**
 * A full configuration as an administrator would give it, through the environment.
 * `anakam: false` gives no FACTORGATE_ANAKAM_* variable at all: a site without a two-factor server.
 */
export function testConfig(gatewayUrl: string, overrides: Record<string, unknown> = {}, options: { anakam?: boolean } = {}): Config {
  const anakam = options.anakam === false ? {} : {
    FACTORGATE_ANAKAM_BASE_URL: ANAKAM_URL,
    FACTORGATE_ANAKAM_API_USER: API_USER,
    FACTORGATE_ANAKAM_API_PASSWORD: API_PASSWORD,
    // Far above what a busy machine can delay a local answer: a test that means a timeout sets
    // its own, or waits past this one.
    FACTORGATE_ANAKAM_TIMEOUT_MS: '2000',
  };
  // A gateway section given here replaces the environment's: it keeps the order above unless it names one.
  const gateway = overrides.gateway as Record<string, unknown> | undefined;
  if (gateway && !('passwordCheck' in gateway)) overrides = { ...overrides, gateway: { passwordCheck: 'at_replay', ...gateway } };
  return loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: '0',
      FACTORGATE_METRICS_PORT: '0',
      FACTORGATE_GATEWAY_URL: gatewayUrl,
      FACTORGATE_SECRET: TEST_SECRET,
      // Most integration tests are about the second factor and count what reaches the gateway's
      // login after it, so they run the order that posts the password only then. The default
      // order (the gateway checks the password first, its session held) is proven by
      // test/login/password_first.test.ts, and by the end-to-end tests, which run the demo's
      // default configuration: give `gateway: { passwordCheck: 'first' }` to run it here.
      FACTORGATE_GATEWAY_PASSWORD_CHECK: 'at_replay',
      ...anakam,
    },
    overrides,
  });
}
