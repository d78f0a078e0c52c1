import { createGatewaySimulator, type GatewaySimulator, type GatewaySimulatorOptions } from './gateway/index.js';
import { createLinotpSimulator, type LinotpSimulator, type LinotpSimulatorOptions } from './linotp/index.js';
import { createAnakamSimulator, type AnakamSimulator, type AnakamSimulatorOptions } from './anakam/index.js';
import { loadDemoUsers, type DemoUsers } from './users.js';

export type StartSimulatorsOptions = {
  /** Users of all three simulators; defaults to fixtures/demo-users.yaml. anakam.users, gateway.users or linotp.users override. */
  users?: DemoUsers;
  anakam?: AnakamSimulatorOptions;
  gateway?: GatewaySimulatorOptions;
  linotp?: LinotpSimulatorOptions;
  /** Ports to listen on (127.0.0.1); 0 or absent picks a free one. */
  ports?: { anakam?: number; gateway?: number; linotp?: number };
};

export type RunningSimulators = {
  anakam: AnakamSimulator;
  gateway: GatewaySimulator;
  linotp: LinotpSimulator;
  anakamUrl: string;
  gatewayUrl: string;
  linotpUrl: string;
  /** Closes all three; safe to call twice. */
  close(): Promise<void>;
};

/** The simulators on localhost, sharing one set of demo users: what `factorgate demo` and the end-to-end tests run against. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<RunningSimulators> {
  const users = options.users ?? loadDemoUsers();
  const anakam = createAnakamSimulator({ users, ...options.anakam });
  const gateway = createGatewaySimulator({ users, ...options.gateway });
  const linotp = createLinotpSimulator({ users, ...options.linotp });
  const close = async () => {
    await Promise.all([anakam.close(), gateway.close(), linotp.close()]);
  };
  try {
    const { url: anakamUrl } = await anakam.listen(options.ports?.anakam ?? 0);
    const { url: gatewayUrl } = await gateway.listen(options.ports?.gateway ?? 0);
    const { url: linotpUrl } = await linotp.listen(options.ports?.linotp ?? 0);
    return { anakam, gateway, linotp, anakamUrl, gatewayUrl, linotpUrl, close };
  } catch (err) {
    // A port in use must not leave the other simulators running.
    await close();
    throw err;
  }
}
