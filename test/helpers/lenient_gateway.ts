import nock from 'nock';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import { createGatewaySimulator, type GatewaySimulator } from '../../src/demo/simulators/gateway/index.js';
import type { Config } from '../../src/config/schema.js';
import { testConfig } from './config.js';
import { captureLogs } from './log_capture.js';
import { frontOverrides, startFront, type Front, type RunningFront } from './fronts.js';

export type LenientStack = {
  fg: RunningFactorgate;
  config: Config;
  /** What the test's requests go to: factorgate, or the edge proxy in front of it. */
  url: string;
  front: RunningFront;
  gateway: GatewaySimulator;
  logs: ReturnType<typeof captureLogs>;
  close(): Promise<void>;
};

/** alice's gateway password on the lenient gateway: a post that reaches its login logs her in. */
export const ALICE = { login: 'alice', passwd: 'alice-pw-1' };

/** factorgate's own cookies, as a browser holding all of them would send them, with one of the gateway's. */
export const OWN_COOKIES = ['authkey', 'DeviceKey', 'fg_csrf', 'fg_manage', 'fg_manage_csrf', 'fg_retry'];
export const COOKIE_HEADER = [...OWN_COOKIES.map((name) => `${name}=secret-of-${name}`), 'NSC_TMAS=gateway-own'].join('; ');

/**
 * factorgate (default configuration) in front of the gateway simulator in lenientPaths mode, and
 * in front of factorgate the given front: nothing, or nginx or HAProxy with the generated edge configuration.
 */
export async function startLenientStack(front: Front = 'factorgate', overrides: Record<string, unknown> = {}): Promise<LenientStack> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const gateway = createGatewaySimulator({ users: { alice: { password: ALICE.passwd } }, lenientPaths: true });
  await gateway.listen();
  const logs = captureLogs();
  const config = testConfig(gateway.url, { ...frontOverrides(front), ...overrides });
  const fg = await startFactorgate(config, { logger: logs.logger });
  const running = await startFront(front, config, fg, logs.lines);
  return {
    fg, config, url: running.url, front: running, gateway, logs,
    async close() {
      await running.close();
      await fg.close();
      await gateway.close();
      nock.cleanAll();
    },
  };
}
