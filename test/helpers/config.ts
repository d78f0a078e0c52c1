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
    FACTORGATE_ANAKAM_TIMEOUT_MS: '300',
  };
  return loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: '0',
      FACTORGATE_GATEWAY_URL: gatewayUrl,
      FACTORGATE_SECRET: TEST_SECRET,
      ...anakam,
    },
    overrides,
  });
}
