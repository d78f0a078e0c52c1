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
  /** A port given in `ports` that is in use gives way to a free one, instead of failing (the demo's). */
  portsArePreferences?: boolean;
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
  const listen = async (sim: { listen(port: number): Promise<{ url: string }> }, port = 0) => {
    try {
      return await sim.listen(port);
    } catch (err) {
      if (!(options.portsArePreferences && port !== 0 && (err as NodeJS.ErrnoException).code === 'EADDRINUSE')) throw err;
      return sim.listen(0);
    }
  };
  try {
    const { url: anakamUrl } = await listen(anakam, options.ports?.anakam);
    const { url: gatewayUrl } = await listen(gateway, options.ports?.gateway);
    const { url: linotpUrl } = await listen(linotp, options.ports?.linotp);
    return { anakam, gateway, linotp, anakamUrl, gatewayUrl, linotpUrl, close };
  } catch (err) {
    // A port in use must not leave the other simulators running.
    await close();
    throw err;
  }
}
