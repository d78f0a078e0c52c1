import { createGatewaySimulator, type GatewaySimulator, type GatewaySimulatorOptions } from './gateway/index.js';
import { createLinotpSimulator, type LinotpSimulator, type LinotpSimulatorOptions } from './linotp/index.js';
import { createTfaSimulator, type TfaSimulator, type TfaSimulatorOptions } from './tfa/index.js';
import { loadDemoUsers, type DemoUsers } from './users.js';

export type StartSimulatorsOptions = {
  /** Users of all three simulators; defaults to fixtures/demo-users.yaml. tfa.users, gateway.users or linotp.users override. */
  users?: DemoUsers;
  tfa?: TfaSimulatorOptions;
  gateway?: GatewaySimulatorOptions;
  linotp?: LinotpSimulatorOptions;
  /** Ports to listen on (127.0.0.1); 0 or absent picks a free one. */
  ports?: { tfa?: number; gateway?: number; linotp?: number };
};

export type RunningSimulators = {
  tfa: TfaSimulator;
  gateway: GatewaySimulator;
  linotp: LinotpSimulator;
  tfaUrl: string;
  gatewayUrl: string;
  linotpUrl: string;
  /** Closes all three; safe to call twice. */
  close(): Promise<void>;
};

/** The simulators on localhost, sharing one set of demo users: what `factorgate demo` and the end-to-end tests run against. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<RunningSimulators> {
  const users = options.users ?? loadDemoUsers();
  const tfa = createTfaSimulator({ users, ...options.tfa });
  const gateway = createGatewaySimulator({ users, ...options.gateway });
  const linotp = createLinotpSimulator({ users, ...options.linotp });
  const close = async () => {
    await Promise.all([tfa.close(), gateway.close(), linotp.close()]);
  };
  try {
    const { url: tfaUrl } = await tfa.listen(options.ports?.tfa ?? 0);
    const { url: gatewayUrl } = await gateway.listen(options.ports?.gateway ?? 0);
    const { url: linotpUrl } = await linotp.listen(options.ports?.linotp ?? 0);
    return { tfa, gateway, linotp, tfaUrl, gatewayUrl, linotpUrl, close };
  } catch (err) {
    // A port in use must not leave the other simulators running.
    await close();
    throw err;
  }
}
