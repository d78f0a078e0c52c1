import { performance } from 'node:perf_hooks';
import { percentile, round } from '../lib/stats.js';
import { baselineClients, baselineLogin } from './baseline.js';
import { Browser, browserAgent, sent } from './browser.js';
import { Tally } from './request_routes.js';
import { loginThroughFactorgate, startLogin } from './through_factorgate.js';
import { clientIpOf } from './users.js';

// A login load driver, in its own process: virtual users, each logging in again and again (a
// login is a conversation across two origins with state, which no generic load tool follows).
// Prints one RESULT line of JSON.
//   run:  register devices if needed, warm up, then count complete logins for `seconds`
//   park: start `count` logins and leave each waiting at the passcode step

export type RunJob = {
  kind: 'run'; via: 'factorgate' | 'baseline'; path: 'passcode' | 'device';
  vus: number; usersPerVu: number; firstUser: number; warmupSeconds: number; seconds: number;
  fgUrl: string; anakamUrl: string; gwUrl: string;
  /**
   * Each virtual user connects from its own client address (127.10.x.y, on loopback) instead of
   * only naming it in X-Forwarded-For: an edge proxy in front of factorgate replaces that header
   * with the address it sees, and factorgate's per-client limits count by it.
   */
  bindClientAddress?: boolean;
};
/** count: one virtual user makes `logins` logins one after the other, between two phases at which the parent reads the servers' counts. */
export type CountJob = { kind: 'count'; via: 'factorgate' | 'baseline'; path: 'passcode' | 'device'; logins: number; firstUser: number; fgUrl: string; anakamUrl: string; gwUrl: string };
export type ParkJob = { kind: 'park'; fgUrl: string; anakamUrl: string; count: number; concurrency: number; firstUser: number };

export type RunResult = { logins: number; failures: number; seconds: number; loginsPerSecond: number; p50Ms: number; p99Ms: number; allLogins: number; firstErrors: string[] };
/** The requests this driver sent to factorgate during the counted logins, by route (the simulators count their own). */
export type CountResult = { logins: number; failures: number; factorgateRequests: Record<string, number>; firstErrors: string[] };
export type ParkResult = { parked: number; failures: number; seconds: number; firstErrors: string[] };

/** Tells the parent where the measured part begins and ends, and waits until it has taken note. */
function phase(name: string): Promise<void> {
  console.log(`PHASE ${name}`);
  return new Promise((resolve) => process.stdin.once('data', () => resolve()));
}

const job = JSON.parse(process.env.BENCH_JOB!) as RunJob | CountJob | ParkJob;
const errors: string[] = [];
const note = (err: unknown) => { if (errors.length < 5) errors.push(String((err as Error)?.message ?? err)); };

async function run(j: RunJob): Promise<RunResult> {
  const shared = browserAgent(j.vus);
  const own = j.bindClientAddress ? Array.from({ length: j.vus }, (_, vu) => browserAgent(1, clientIpOf(vu))) : [];
  const clients = baselineClients(j.anakamUrl, j.gwUrl);
  const login = (vu: number, user: number, device: string | undefined, register = false) => j.via === 'factorgate'
    ? loginThroughFactorgate({ fgUrl: j.fgUrl, anakamUrl: j.anakamUrl, agent: own[vu] ?? shared }, vu, user, device, register)
    : baselineLogin(clients, vu, user, device, register);
  const usersOf = (vu: number) => Array.from({ length: j.usersPerVu }, (_, k) => j.firstUser + vu * j.usersPerVu + k);
  const devices = new Map<number, string | undefined>();
  let allLogins = 0;
  if (j.path === 'device') {
    await Promise.all(Array.from({ length: j.vus }, async (_, vu) => {
      for (const user of usersOf(vu)) {
        devices.set(user, await login(vu, user, undefined, true));
        allLogins += 1;
      }
    }));
    if ([...devices.values()].some((d) => !d)) throw new Error('device registration gave no device key');
  }
  const loop = async (seconds: number, samples?: number[]) => {
    let ok = 0;
    let failed = 0;
    const end = performance.now() + seconds * 1000;
    await Promise.all(Array.from({ length: j.vus }, async (_, vu) => {
      const users = usersOf(vu);
      for (let n = 0; performance.now() < end; n++) {
        const user = users[n % users.length]!;
        const started = performance.now();
        try {
          await login(vu, user, devices.get(user));
          ok += 1;
          samples?.push(performance.now() - started);
        } catch (err) {
          failed += 1;
          note(err);
        }
      }
    }));
    allLogins += ok;
    return { ok, failed };
  };
  await loop(j.warmupSeconds);
  const samples: number[] = [];
  await phase('timed-start');
  const started = performance.now();
  const { ok, failed } = await loop(j.seconds, samples);
  const seconds = (performance.now() - started) / 1000;
  await phase('timed-end');
  return {
    logins: ok, failures: failed, seconds: round(seconds, 2), loginsPerSecond: round(ok / seconds),
    p50Ms: round(percentile(samples, 50), 1), p99Ms: round(percentile(samples, 99), 1), allLogins, firstErrors: errors,
  };
}

async function count(j: CountJob): Promise<CountResult> {
  const agent = browserAgent(1);
  const clients = baselineClients(j.anakamUrl, j.gwUrl);
  const login = (device: string | undefined, register = false) => j.via === 'factorgate'
    ? loginThroughFactorgate({ fgUrl: j.fgUrl, anakamUrl: j.anakamUrl, agent }, 0, j.firstUser, device, register)
    : baselineLogin(clients, 0, j.firstUser, device, register);
  // One login before the count, as the runs' warm-up does: connections opened, a device registered.
  const device = await login(undefined, j.path === 'device');
  const fg = new URL(j.fgUrl).origin;
  const before = sent.copy();
  await phase('count-start');
  let failures = 0;
  for (let i = 0; i < j.logins; i++) await login(device).catch((err: unknown) => { failures += 1; note(err); });
  await phase('count-end');
  const factorgateRequests: Record<string, number> = {};
  for (const [label, n] of Object.entries(Tally.since(sent.copy(), before))) {
    if (label.startsWith(`${fg} `)) factorgateRequests[`factorgate ${label.slice(fg.length + 1)}`] = n;
  }
  return { logins: j.logins - failures, failures, factorgateRequests, firstErrors: errors };
}

async function park(j: ParkJob): Promise<ParkResult> {
  const agent = browserAgent(j.concurrency);
  let next = 0;
  let parked = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: j.concurrency }, async (_, vu) => {
    for (let i = next++; i < j.count; i = next++) {
      const browser = new Browser(agent, { 'X-Forwarded-For': clientIpOf(i), 'User-Agent': 'bench-parked' });
      try {
        const answer = await startLogin({ fgUrl: j.fgUrl, anakamUrl: j.anakamUrl, agent }, browser, j.firstUser + i);
        if (answer.status === 'challenge') parked += 1;
        else throw new Error(`not parked: ${answer.status} ${answer.code ?? ''}`);
      } catch (err) {
        failures += 1;
        note(err);
      }
    }
    void vu;
  }));
  return { parked, failures, seconds: round((performance.now() - started) / 1000, 2), firstErrors: errors };
}

const result = job.kind === 'run' ? await run(job) : job.kind === 'count' ? await count(job) : await park(job);
console.log(`RESULT ${JSON.stringify(result)}`);
process.exit(0);
