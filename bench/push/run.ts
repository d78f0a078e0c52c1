import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { ask } from '../lib/ipc.js';
import { sleep, startChild, type Child } from '../lib/proc.js';
import { round } from '../lib/stats.js';
import { runDriver } from '../logins/run.js';
import type { ParkResult } from '../logins/driver.js';
import { Browser } from '../logins/browser.js';
import { clientIpOf, passwordOf, userName } from '../logins/users.js';
import type { Layout } from '../layout.js';

// Push logins waiting for the user's tap: memory per waiting push login and the poll traffic
// per waiting login per minute. One factorgate process, memory store, every login a
// push through the LinOTP simulator:
//   memory: `count` push logins parked at the waiting page (heap + external after full GCs);
//   polls: `watched` further logins each with a waiting page connected (server-sent events), held
//          `watchSeconds`; the LinOTP simulator counts validate/check_status requests meanwhile.

const HOST = fileURLToPath(new URL('../waiting/fg_host.ts', import.meta.url));

export type PushSettings = { count: number; concurrency: number; warmup: number; firstUser: number; watched: number; watchSeconds: number };
export type PushResults = { settings: PushSettings; parked: number; failures: number; bytesPerLogin: number; statusChecks: number; pollsPerLoginPerMinute: number };

type Memory = { memory: NodeJS.MemoryUsage };

/** Starts one push login as the page's script does and keeps its waiting page's event stream open. */
async function watchOne(fgUrl: string, agent: Agent, user: number, open: Array<{ destroy(): void }>): Promise<void> {
  const browser = new Browser(agent, { 'X-Forwarded-For': clientIpOf(user), 'User-Agent': 'bench-push' });
  const page = await browser.get(`${fgUrl}/vpn/index.html`);
  const token = /name="fg_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  const started = await browser.postJson(`${fgUrl}/mfa/login`, { login: userName(user), passwd: passwordOf(user), fg_csrf: token });
  if (browser.json<{ status: string }>(started).status !== 'challenge') throw new Error(`push not started: ${started.body.slice(0, 120)}`);
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  await new Promise<void>((resolve, reject) => {
    const req = request(`${fgUrl}/mfa/push/events`, { headers: { Cookie: cookie, 'User-Agent': 'bench-push', 'X-Forwarded-For': clientIpOf(user) } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`events: HTTP ${res.statusCode}`));
      res.resume();
      open.push(req);
      resolve();
    });
    req.on('error', () => undefined);
    req.end();
  });
}

export async function runPush(layout: Layout, settings: PushSettings, sims: Child, log: (line: string) => void): Promise<PushResults> {
  const [anakamUrl, gwUrl, linotpUrl] = sims.ready.split(' ') as [string, string, string];
  const host = await startChild(process.execPath, ['--expose-gc', '--import', 'tsx', HOST], {
    name: 'factorgate with push (in-process)', cpus: layout.proxy, ipc: true, env: { BENCH_GATEWAY_URL: gwUrl, BENCH_TFA_URL: anakamUrl, BENCH_LINOTP_URL: linotpUrl },
  });
  const open: Array<{ destroy(): void }> = [];
  try {
    const park = (count: number, firstUser: number) => runDriver<ParkResult>({ kind: 'park', fgUrl: host.ready, anakamUrl, count, concurrency: settings.concurrency, firstUser }, layout.loadgen);
    await park(settings.warmup, settings.firstUser);
    const before = (await ask<Memory>(host.proc, 'memory')).memory;
    const parked = await park(settings.count, settings.firstUser + settings.warmup);
    const after = (await ask<Memory>(host.proc, 'memory')).memory;
    const heap = after.heapUsed + after.external - before.heapUsed - before.external;
    log(`push: ${parked.parked} push logins parked, ${parked.failures} failed${parked.firstErrors.length ? ` (${parked.firstErrors[0]})` : ''}; ${Math.round(heap / Math.max(1, parked.parked))} bytes each`);

    const agent = new Agent({ keepAlive: true, maxSockets: 64 });
    const first = settings.firstUser + settings.warmup + settings.count;
    await Promise.all(Array.from({ length: settings.watched }, (_, i) => watchOne(host.ready, agent, first + i, open)));
    const checksBefore = (await ask<{ statusChecks: number }>(sims.proc, 'status-checks')).statusChecks;
    await sleep(settings.watchSeconds * 1000);
    const checks = (await ask<{ statusChecks: number }>(sims.proc, 'status-checks')).statusChecks - checksBefore;
    const perMinute = round((checks / settings.watched) * (60 / settings.watchSeconds), 1);
    log(`push: ${settings.watched} waiting pages open for ${settings.watchSeconds} s: ${checks} status polls, ${perMinute} per waiting login per minute`);
    agent.destroy();
    return { settings, parked: parked.parked, failures: parked.failures, bytesPerLogin: Math.round(heap / Math.max(1, parked.parked)), statusChecks: checks, pollsPerLoginPerMinute: perMinute };
  } finally {
    for (const req of open) req.destroy();
    await host.stop();
  }
}
