import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { baselineClients, beginSecondFactor, completeAndReplay, verifyPasscode } from './baseline.js';

// A reference front for the login profile, not factorgate: the least any Node server in
// factorgate's place must do for the bench's logins. A bare node:http server that serves the
// login page from the gateway through the pass-through pool (with a token inserted), and on the
// driver's two posts makes the baseline's exchanges with the baseline's clients (the same axios
// clients and agents as factorgate's). No express, no flow, no signing, no store, no checks
// beyond what the driver needs: the login waits in a Map under its token.
//   BENCH_TFA_URL, BENCH_GATEWAY_URL: the simulators; BENCH_PORT (default: any)

const clients = baselineClients(process.env.BENCH_TFA_URL!, process.env.BENCH_GATEWAY_URL!);
const gateway = new URL(process.env.BENCH_GATEWAY_URL!);
type Waiting = { authKey: string; ip: string; name: string; password: string };
const waiting = new Map<string, Waiting>();

function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, data: unknown, setCookie: string[] = []): void {
  const text = JSON.stringify(data);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Set-Cookie': setCookie });
  res.end(text);
}

function loginPage(req: IncomingMessage, res: ServerResponse): void {
  const upstream = request({ host: gateway.hostname, port: gateway.port, path: req.url, method: 'GET', headers: req.headers, agent: clients.pageAgent }, (page) => {
    const chunks: Buffer[] = [];
    page.on('data', (c: Buffer) => chunks.push(c));
    page.on('end', () => {
      const html = Buffer.concat(chunks).toString('utf8').replace('</form>', `<input type="hidden" name="fg_csrf" value="${randomBytes(16).toString('hex')}"></form>`);
      res.writeHead(page.statusCode ?? 502, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html) });
      res.end(html);
    });
  });
  upstream.on('error', () => res.destroy());
  upstream.end();
}

async function startLogin(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { login, passwd } = await body(req) as { login: string; passwd: string };
  const ip = String(req.headers['x-forwarded-for']);
  const deviceKey = /(?:^|;\s*)DeviceKey=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
  const authKey = await beginSecondFactor(clients, login, ip, deviceKey);
  if (deviceKey) return answer(res, { status: 'done' }, await completeAndReplay(clients, authKey, ip, login, passwd));
  const csrf = randomBytes(16).toString('hex');
  waiting.set(csrf, { authKey, ip, name: login, password: passwd });
  answer(res, { status: 'challenge', csrf });
}

async function passcode(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { passcode: code, csrf, remember } = await body(req) as { passcode: string; csrf: string; remember: boolean };
  const login = waiting.get(csrf)!;
  waiting.delete(csrf);
  const device = await verifyPasscode(clients, login.authKey, login.ip, code, remember);
  const cookies = await completeAndReplay(clients, login.authKey, login.ip, login.name, login.password);
  answer(res, { status: 'done' }, device ? [...cookies, `DeviceKey=${device}; Path=/`] : cookies);
}

const server = createServer((req, res) => {
  const handled = req.url === '/mfa/login' ? startLogin(req, res)
    : req.url === '/mfa/passcode' ? passcode(req, res)
      : Promise.resolve(loginPage(req, res));
  handled.catch((err: Error) => answer(res, { status: 'failed', code: err.message }));
});
server.keepAliveTimeout = 5000;
server.listen(Number(process.env.BENCH_PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  console.log(`READY http://127.0.0.1:${address.port}`);
});
process.on('SIGTERM', () => process.exit(0));
