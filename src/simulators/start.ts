import { createGatewaySimulator, type GatewaySimulator, type GatewaySimulatorOptions } from './gateway/index.js';
import { createTfaSimulator, type TfaSimulator, type TfaSimulatorOptions } from './tfa/index.js';
import { loadDemoUsers, type DemoUsers } from './users.js';

export type StartSimulatorsOptions = {
  /** Users of both simulators; defaults to fixtures/demo-users.yaml. tfa.users or gateway.users override. */
  users?: DemoUsers;
  tfa?: TfaSimulatorOptions;
  gateway?: GatewaySimulatorOptions;
  /** Ports to listen on (127.0.0.1); 0 or absent picks a free one. */
  ports?: { tfa?: number; gateway?: number };
};

export type RunningSimulators = {
  tfa: TfaSimulator;
  gateway: GatewaySimulator;
  tfaUrl: string;
  gatewayUrl: string;
  /** Closes both; safe to call twice. */
  close(): Promise<void>;
};

/** Both simulators on localhost, sharing one set of demo users: what `factorgate demo` and the end-to-end tests run against. */
export async function startSimulators(options: StartSimulatorsOptions = {}): Promise<RunningSimulators> {
  const users = options.users ?? loadDemoUsers();
  const tfa = createTfaSimulator({ users, ...options.tfa });
  const gateway = createGatewaySimulator({ users, ...options.gateway });
  const close = async () => {
    await Promise.all([tfa.close(), gateway.close()]);
  };
  try {
    const { url: tfaUrl } = await tfa.listen(options.ports?.tfa ?? 0);
    const { url: gatewayUrl } = await gateway.listen(options.ports?.gateway ?? 0);
    return { tfa, gateway, tfaUrl, gatewayUrl, close };
  } catch (err) {
    // A port in use must not leave the other simulator running.
    await close();
    throw err;
  }
}
