import nock from 'nock';
import { startFactorgate, type RunningFactorgate } from '../../src/factorgate.js';
import { createGatewaySimulator, type GatewaySimulator } from '../../src/demo/simulators/gateway/index.js';
import { testConfig } from './config.js';
import { captureLogs } from './log_capture.js';

export type LenientStack = { fg: RunningFactorgate; gateway: GatewaySimulator; logs: ReturnType<typeof captureLogs>; close(): Promise<void> };

/** alice's gateway password on the lenient gateway: a post that reaches its login logs her in. */
export const ALICE = { login: 'alice', passwd: 'alice-pw-1' };

/** factorgate's own cookies, as a browser holding all of them would send them, with one of the gateway's. */
export const OWN_COOKIES = ['authkey', 'DeviceKey', 'fg_csrf', 'fg_manage', 'fg_manage_csrf'];
export const COOKIE_HEADER = [...OWN_COOKIES.map((name) => `${name}=secret-of-${name}`), 'NSC_TMAS=gateway-own'].join('; ');

/** factorgate (default configuration) in front of the gateway simulator in lenientPaths mode. */
export async function startLenientStack(): Promise<LenientStack> {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost)(:\d+)?$/);
  const gateway = createGatewaySimulator({ users: { alice: { password: ALICE.passwd } }, lenientPaths: true });
  await gateway.listen();
  const logs = captureLogs();
  const fg = await startFactorgate(testConfig(gateway.url), { logger: logs.logger });
  return {
    fg, gateway, logs,
    async close() {
      await fg.close();
      await gateway.close();
      nock.cleanAll();
    },
  };
}
