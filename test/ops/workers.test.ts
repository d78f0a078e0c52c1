import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request } from 'node:http';
import { createServer, type Server } from 'node:net';
import { startSimulators, type RunningSimulators } from '../../src/demo/simulators/start.js';
import { TestBrowser, type Reply } from '../helpers/browser.js';
import { startFactorgateProcess, type FactorgateProcess } from '../helpers/factorgate_process.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { freePort, killProcess } from '../helpers/processes.js';

// listen.workers: the CLI as a node:cluster primary with two workers sharing the port and Redis.

/** A browser that opens a new connection for every request, so the primary deals them out to the workers in turn. */
class NewConnectionBrowser extends TestBrowser {
  override async request(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    const url = new URL(path, this.base);
    const cookie = await this.jar.getCookieString(url.toString());
    const res = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      const req = request(url, { method, agent: false, headers: { ...(cookie ? { Cookie: cookie } : {}), ...headers } }, resolve);
      req.once('error', reject);
      req.end(body);
    });
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const setCookies = res.headers['set-cookie'] ?? [];
    for (const header of setCookies) await this.jar.setCookie(header, url.toString(), { ignoreError: true });
    const replyHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') replyHeaders.set(name, value);
    return { status: res.statusCode!, headers: replyHeaders, setCookies, body: text, json: () => JSON.parse(text) };
  }
}

type LogLine = { event?: string; pid?: number; code?: number | null; signal?: string | null };
const linesOf = (fg: FactorgateProcess): LogLine[] =>
  fg.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
const pidsOf = (fg: FactorgateProcess, event: string) => linesOf(fg).filter((l) => l.event === event).map((l) => l.pid!);

async function until(what: string, check: () => boolean, fg: FactorgateProcess): Promise<void> {
  for (let i = 0; i < 300 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
  if (!check()) throw new Error(`never happened: ${what}\n${fg.output()}`);
}

const USERS = [{ login: 'alice', passwd: 'alice-demo-pw' }, { login: 'bob', passwd: 'bob-demo-pw' }];

describe('operations: listen.workers runs several worker processes sharing the port', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  let sims: RunningSimulators;
  let fg: FactorgateProcess | undefined;
  let blocker: Server | undefined;

  const env = () => ({
    FACTORGATE_GATEWAY_URL: sims.gatewayUrl, FACTORGATE_ANAKAM_BASE_URL: sims.anakamUrl, FACTORGATE_ANAKAM_API_USER: 'ops',
    FACTORGATE_ANAKAM_API_PASSWORD: 'ops-api-password', FACTORGATE_SECRET: 'ops-secret-0123456789-0123456789-abcdef',
    FACTORGATE_STORE_TYPE: 'redis', FACTORGATE_STORE_REDIS_URL: redis.url, FACTORGATE_LISTEN_WORKERS: '2',
  });

  /** The CLI with two workers, once both listen. */
  async function startTwoWorkers(): Promise<FactorgateProcess> {
    const started = await startFactorgateProcess(env());
    fg = started;
    await until('both workers listen', () => new Set(pidsOf(started, 'listening')).size === 2, started);
    return started;
  }

  async function login(url: string, user: (typeof USERS)[number]): Promise<void> {
    const browser = new NewConnectionBrowser(url);
    const page = await browser.get('/vpn/index.html');
    const started = await browser.postJson('/mfa/login', { ...user, fg_csrf: TestBrowser.formToken(page.body) });
    expect(started.json().status, started.body).to.equal('challenge');
    const done = await browser.postJson('/mfa/passcode', { passcode: sims.anakam.lastPasscode(user.login)!, csrf: started.json().csrf });
    expect(done.json()).to.deep.equal({ status: 'done', location: '/portal/' });
  }

  beforeEach(async () => {
    redis = await startRedisServer();
    sims = await startSimulators({ anakam: { apiUser: 'ops', apiPassword: 'ops-api-password' } });
  });
  afterEach(async () => {
    if (fg) await killProcess(fg.child);
    fg = undefined;
    blocker?.close();
    blocker = undefined;
    await sims.close();
    await redis.stop();
  });

  it('logins complete with their steps dealt out to both workers, and /metrics counts every worker\'s', async () => {
    const { url, child } = await startTwoWorkers();
    const workers = new Set(pidsOf(fg!, 'listening'));
    expect(workers.has(child.pid!)).to.equal(false);
    for (let i = 0; i < 4; i++) await login(url, USERS[i % 2]!);
    const finishedBy = pidsOf(fg!, 'login_finished');
    expect(finishedBy).to.have.length(4);
    expect(new Set(finishedBy)).to.deep.equal(workers);
    // Whichever worker answers, the count is the sum over both (each alone finished only some).
    for (let i = 0; i < 2; i++) {
      const metrics = await new NewConnectionBrowser(url).get('/metrics');
      const total = [...metrics.body.matchAll(/^factorgate_logins_finished_total\{[^}]*outcome="success"[^}]*\} (\d+)/gm)].reduce((s, m) => s + Number(m[1]), 0);
      expect(total, metrics.body).to.equal(4);
    }
  });

  it('SIGTERM reaches every worker: the login in flight finishes, then the primary exits 0', async () => {
    const { url, child } = await startTwoWorkers();
    const browser = new TestBrowser(url);
    const page = await browser.get('/vpn/index.html');
    sims.anakam.setFault({ latencyMs: 400 });
    const inFlight = browser.postJson('/mfa/login', { ...USERS[0]!, fg_csrf: TestBrowser.formToken(page.body) });
    await new Promise((r) => setTimeout(r, 200)); // the login now waits on the slow two-factor server
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await inFlight).json().status).to.equal('challenge');
    const [code] = await exited;
    expect(code).to.equal(0);
    expect(linesOf(fg!).filter((l) => l.event === 'worker_stopped').map((l) => l.code)).to.deep.equal([0, 0]);
    expect(await fetch(`${url}/healthz`).then(() => 'answered', () => 'refused')).to.equal('refused');
  });

  it('a killed worker is replaced by a new one that serves logins', async () => {
    const { url, child } = await startTwoWorkers();
    const [victim, survivor] = [...new Set(pidsOf(fg!, 'listening'))] as [number, number];
    process.kill(victim, 'SIGKILL');
    await until('the killed worker is reported', () => linesOf(fg!).some((l) => l.event === 'worker_crashed' && l.pid === victim && l.signal === 'SIGKILL'), fg!);
    await until('a third worker listens', () => new Set(pidsOf(fg!, 'listening')).size === 3, fg!);
    const replacement = [...new Set(pidsOf(fg!, 'listening'))].find((pid) => pid !== victim && pid !== survivor)!;
    expect(pidsOf(fg!, 'worker_started')).to.include(replacement);
    for (let i = 0; i < 4; i++) await login(url, USERS[i % 2]!);
    expect(new Set(pidsOf(fg!, 'login_finished'))).to.deep.equal(new Set([survivor, replacement]));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    expect((await exited)[0]).to.equal(0);
  });

  it('workers that keep dying make the primary give up with exit code 1', async () => {
    // Something else holds the port: every worker fails to listen and exits.
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, '127.0.0.1', resolve));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
      env: { ...process.env, ...env(), FACTORGATE_LISTEN_PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => { out += c; });
    child.stderr.on('data', (c) => { out += c; });
    const [code] = await once(child, 'exit');
    expect(code, out).to.equal(1);
    const events = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine & { restartInMs?: number });
    const crashes = events.filter((l) => l.event === 'worker_crashed');
    expect(crashes.length).to.be.at.least(4);
    // The backoff grows between restarts.
    expect(crashes.map((l) => l.restartInMs)).to.deep.equal([...crashes.map((l) => l.restartInMs)].sort((a, b) => a! - b!));
    expect(crashes.at(-1)!.restartInMs).to.be.greaterThan(crashes[0]!.restartInMs!);
    expect(events.some((l) => l.event === 'workers_crashing')).to.equal(true);
  });
});
