import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { ROOT, BENCH_API } from '../lib/factorgate_process.js';
import { benchUsers } from './users.js';

// Both simulators in one process (as `factorgate demo` runs them), with generated users. TCP
// connections are counted through node's diagnostics channels, without touching the simulators'
// code: a connection to the two-factor simulator counts as an API connection when its first
// request is below /tfa/api (the drivers read the outbox over connections of their own).
// The parent asks for the counts over IPC.

const { startSimulators } = (await import(`${ROOT}dist/demo/simulators/start.js`)) as typeof import('../../src/demo/simulators/start.js');

const users = benchUsers(Number(process.env.BENCH_USERS ?? 1000));
const sims = await startSimulators({
  users,
  anakam: { apiUser: BENCH_API.user, apiPassword: BENCH_API.password, maxPasscodeAttempts: 100 },
  linotp: { otppin: 1 },
});
const linotpPort = Number(new URL(sims.linotpUrl).port);
let statusChecks = 0; // push status polls received (validate/check_status), for the push section
const tfaPort = Number(new URL(sims.anakamUrl).port);
const gatewayPort = Number(new URL(sims.gatewayUrl).port);
const accepted = { tfa: 0, tfaOther: 0, gateway: 0 };
const seen = new WeakSet<Socket>();
subscribe('http.server.request.start', (message) => {
  const { socket, request } = message as { socket: Socket; request: { url?: string } };
  if (socket.localPort === linotpPort && (request.url ?? '').startsWith('/validate/check_status')) statusChecks += 1;
  if (seen.has(socket)) return;
  seen.add(socket);
  if (socket.localPort === gatewayPort) accepted.gateway += 1;
  else if (socket.localPort === tfaPort && (request.url ?? '').startsWith('/tfa/api/')) accepted.tfa += 1;
  else if (socket.localPort === tfaPort) accepted.tfaOther += 1;
});

process.on('message', (message: { id: number; cmd: string }) => {
  if (message.cmd === 'connections') process.send!({ id: message.id, ...accepted });
  if (message.cmd === 'status-checks') process.send!({ id: message.id, statusChecks });
});
process.on('SIGTERM', () => void sims.close().then(() => process.exit(0)));
console.log(`READY ${sims.anakamUrl} ${sims.gatewayUrl} ${sims.linotpUrl}`);
