import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import type { DemoUsers } from '../../src/demo/simulators/users.js';
import type { GatewaySimulatorOptions } from '../../src/demo/simulators/gateway/index.js';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import { loadConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { captureLogs } from '../helpers/log_capture.js';
import type { Store } from '../../src/state/store.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The key factorgate seals with in these tests (a test helper, nobody's secret). */
export const E2E_SECRET = 'e2e-secret-0123456789-0123456789-abcdef';

export type Stack = { sims: RunningSimulators; fg: RunningFactorgate; config: Config; logs: ReturnType<typeof captureLogs>; close(): Promise<void> };

export type StackOptions = {
  /** The simulators' users, when not the demo's. */
  users?: DemoUsers;
  /** Configuration that has no environment form (a flows section), as the configuration file would give it. */
  overrides?: Record<string, unknown>;
  /** The gateway simulator's options (an idle timeout, say). */
  gateway?: GatewaySimulatorOptions;
  /** The login state's store, when the test reads or writes it too. */
  store?: Store;
  /** How long a push can be answered, on the phone and on the page alike (one clock); 120 s by default. */
  pushSeconds?: number;
};

/** The demo's three servers on free localhost ports, as the end-to-end tests use them. */
export async function startStack(tfa: Record<string, unknown> = {}, env: Record<string, string> = {}, options: StackOptions = {}): Promise<Stack> {
  const sims = await startSimulators({
    anakam: { apiUser: 'e2e', apiPassword: 'e2e-api-password', authKeyTtlMs: 15 * 60_000, ...tfa }, linotp: { otppin: 1, validityMs: (options.pushSeconds ?? 120) * 1000 }, gateway: options.gateway, ...(options.users ? { users: options.users } : {}),
  });
  const logs = captureLogs('info');
  const config = loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: '0',
      FACTORGATE_METRICS_PORT: '0',
      FACTORGATE_GATEWAY_URL: sims.gatewayUrl,
      FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl,
      FACTORGATE_ANAKAM_API_USER: 'e2e',
      FACTORGATE_ANAKAM_API_PASSWORD: 'e2e-api-password',
      FACTORGATE_SECRET: E2E_SECRET,
      FACTORGATE_ANAKAM_TIMEOUT_MS: '1500',
      FACTORGATE_LINOTP_URLS: sims.linotpUrl,
      FACTORGATE_LINOTP_WITHDRAW_PUSHES: 'true',
      FACTORGATE_LINOTP_CHALLENGE_VALIDITY_SECONDS: String(options.pushSeconds ?? 120),
      FACTORGATE_PROVIDERS_POLICIES: JSON.stringify([{ users: ['dave'], use: 'push_with_code' }, { users: ['erin'], use: 'totp' }]),
      FACTORGATE_OTP_ENABLED: 'true',
      FACTORGATE_OTP_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'fg-e2e-')), 'otp.sqlite'),
      ...env,
    },
    overrides: options.overrides,
  });
  const fg = await startFactorgate(config, { logger: logs.logger, store: options.store });
  return {
    sims, fg, config, logs,
    async close() {
      await fg.close();
      await sims.close();
    },
  };
}
