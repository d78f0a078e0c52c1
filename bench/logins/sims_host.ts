import { subscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { ROOT, BENCH_API } from '../lib/factorgate_process.js';
import { benchUsers } from './users.js';
import { Tally, routeOf } from './request_routes.js';

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
// Every request each simulator received, by server and route, and the connections it accepted:
// the parent takes a copy before and after a counted run of logins.
const serverOf = (port: number) => port === gatewayPort ? 'gateway' : port === tfaPort ? 'two-factor' : port === linotpPort ? 'push' : 'other';
const requests = new Tally();
const seen = new WeakSet<Socket>();
subscribe('http.server.request.start', (message) => {
  const { socket, request } = message as { socket: Socket; request: { method?: string; url?: string } };
  const server = serverOf(socket.localPort!);
  requests.add(`${server} ${routeOf(request.method, request.url)}`);
  if (socket.localPort === linotpPort && (request.url ?? '').startsWith('/validate/check_status')) statusChecks += 1;
  if (seen.has(socket)) return;
  seen.add(socket);
  requests.add(`${server} connections`);
  if (socket.localPort === gatewayPort) accepted.gateway += 1;
  else if (socket.localPort === tfaPort && (request.url ?? '').startsWith('/tfa/api/')) accepted.tfa += 1;
  else if (socket.localPort === tfaPort) accepted.tfaOther += 1;
});

// The two-factor API's commands (auth, SELECT_METHOD, ...) are in the request bodies: they are
// taken from the simulator's own call log, which keeps the last 1,000 calls. Each ask adds the
// calls logged since the one before (a counted run makes far fewer than 1,000).
const commands = new Tally();
let lastCall: string | undefined;
const callId = (c: { at: string; authKey: string; call: string }) => `${c.at} ${c.authKey} ${c.call}`;
function tfaCommands(): Record<string, number> {
  const calls = sims.anakam.calls();
  let from = lastCall === undefined ? calls.length : 0;
  for (let i = calls.length - 1; i >= 0 && from === 0; i--) if (callId(calls[i]!) === lastCall) from = i + 1;
  for (const c of calls.slice(from)) commands.add(`two-factor command ${c.call}`);
  if (calls.length > 0) lastCall = callId(calls.at(-1)!);
  return commands.copy();
}

process.on('message', (message: { id: number; cmd: string }) => {
  if (message.cmd === 'connections') process.send!({ id: message.id, ...accepted });
  if (message.cmd === 'status-checks') process.send!({ id: message.id, statusChecks });
  if (message.cmd === 'requests') process.send!({ id: message.id, requests: requests.copy(), commands: tfaCommands() });
});
process.on('SIGTERM', () => void sims.close().then(() => process.exit(0)));
console.log(`READY ${sims.anakamUrl} ${sims.gatewayUrl} ${sims.linotpUrl}`);
