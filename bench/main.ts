import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './lib/machine.js';
import { startOutsideLoadMeter } from './lib/cpu_meter.js';
import { killAllChildren, startChild, type Child } from './lib/proc.js';
import { LOGIN_LAYOUT, PASSTHROUGH_LAYOUT } from './layout.js';
import { runPassthrough, type PassthroughSettings } from './passthrough/run.js';
import { runLogins, type LoginSettings } from './logins/run.js';
import { countAllRequests } from './logins/request_counts.js';
import { startFactorgateProcess } from './lib/factorgate_process.js';
import { runWaiting, type WaitingSettings } from './waiting/run.js';
import { runPush, type PushSettings } from './push/run.js';
import { markdown, targetsOf, type Results } from './report.js';
import { runProfiles } from './profile.js';

// npm run bench [-- --quick] [-- --only passthrough,logins,requests,waiting,waiting_redis,push] [-- --redis-logins N] [-- --rounds N] [-- --profile]
// A full run writes bench/results/latest.json and latest.md; --quick or --only write *-partial.*.

const { values } = parseArgs({
  options: { quick: { type: 'boolean' }, only: { type: 'string' }, profile: { type: 'boolean' }, 'redis-logins': { type: 'string' }, rounds: { type: 'string' } },
  strict: true,
});
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));
const SIMS = fileURLToPath(new URL('./logins/sims_host.ts', import.meta.url));
const quick = values.quick === true;
// --rounds: more interleaved rounds of the pass-through and login sections, whose ratios are the
// median of per-round ratios: on a machine whose speed moves between rounds, more rounds settle them.
const rounds = values.rounds === undefined ? undefined : Number(values.rounds);
if (rounds !== undefined && !(Number.isInteger(rounds) && rounds >= 1 && rounds <= 20)) throw new Error('--rounds takes a whole number from 1 to 20');
const only = new Set((values.only ?? 'passthrough,logins,waiting,waiting_redis,push').split(','));

const passthrough: PassthroughSettings = quick
  ? { connections: 32, seconds: 3, rounds: 1, warmupSeconds: 1, moderate: { connections: 16, paceMs: 5, seconds: 3 } }
  : { connections: 32, seconds: 4, rounds: 3, warmupSeconds: 2, moderate: { connections: 16, paceMs: 5, seconds: 5 } };
if (rounds !== undefined) passthrough.rounds = rounds;
const logins: LoginSettings = quick
  ? { vus: 32, usersPerVu: 4, warmupSeconds: 1, seconds: 3, rounds: 1 }
  : { vus: 32, usersPerVu: 4, warmupSeconds: 2, seconds: 4, rounds: 3 };
if (rounds !== undefined) logins.rounds = rounds;
const waiting: WaitingSettings = { count: quick ? 2000 : 10_000, concurrency: 64, warmup: 500, holdSeconds: 5, firstUser: 1000 };
const push: PushSettings = { count: quick ? 500 : 2000, concurrency: 64, warmup: 200, firstUser: waiting.firstUser + waiting.warmup + waiting.count, watched: 100, watchSeconds: quick ? 10 : 20 };
// --redis-logins: fewer logins waiting in Redis, for a machine where parking 100,000 takes too long (the
// report says how many were parked, and the 100,000 target is then not met).
const waitingRedis: WaitingSettings = { count: values['redis-logins'] ? Number(values['redis-logins']) : quick ? 5000 : 100_000, concurrency: 64, warmup: 500, holdSeconds: 5, firstUser: push.firstUser + push.warmup + push.count + push.watched };

const started = Date.now();
const log = (line: string) => console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);
process.on('SIGINT', () => { killAllChildren(); process.exit(130); });

async function main(): Promise<void> {
  const machine = await describeMachine();
  log(`machine: ${machine.cpus} × ${machine.cpuModel}, node ${machine.node}, nginx ${machine.nginx}, load average ${machine.loadAverageAtStart}`);
  if (machine.loadAverageAtStart > 0.5) log('warning: the machine is busy; numbers will be lower and noisier than on a quiet machine');
  if (values.profile) {
    await runProfiles(log, RESULTS);
    return;
  }
  const partial: Omit<Results, 'targets'> = { machine, layout: { passthrough: PASSTHROUGH_LAYOUT, logins: LOGIN_LAYOUT } };
  const outside: Record<string, number> = {};
  if (only.has('passthrough')) {
    const meter = startOutsideLoadMeter();
    partial.passthrough = await runPassthrough(PASSTHROUGH_LAYOUT, passthrough, log, true);
    outside.passthrough = meter();
  }
  if (only.has('logins') || only.has('requests') || only.has('waiting') || only.has('waiting_redis') || only.has('push')) {
    const users = waitingRedis.firstUser + waitingRedis.warmup + waitingRedis.count;
    const sims = await startChild(process.execPath, ['--import', 'tsx', SIMS], {
      name: 'simulators', cpus: LOGIN_LAYOUT.upstream, ipc: true, env: { BENCH_USERS: String(users) },
    });
    try {
      if (only.has('logins')) {
        const meter = startOutsideLoadMeter();
        partial.logins = await runLogins(LOGIN_LAYOUT, logins, sims, log, true);
        outside.logins = meter();
      } else if (only.has('requests')) {
        partial.requests = await countRequestsOnly(sims);
      }
      if (only.has('waiting')) {
        const meter = startOutsideLoadMeter();
        partial.waiting = await runWaiting(LOGIN_LAYOUT, waiting, sims, log);
        outside.waiting = meter();
      }
      if (only.has('waiting_redis')) {
        const meter = startOutsideLoadMeter();
        partial.waitingRedis = await runWaiting(LOGIN_LAYOUT, waitingRedis, sims, log, 'redis');
        outside.waiting_redis = meter();
      }
      if (only.has('push')) {
        const meter = startOutsideLoadMeter();
        partial.push = await runPush(LOGIN_LAYOUT, push, sims, log);
        outside.push = meter();
      }
    } finally {
      await sims.stop();
    }
  }
  partial.outsideCpuShare = outside;
  for (const [section, share] of Object.entries(outside)) if (share > 0.05) log(`warning: processes outside the bench used ${Math.round(share * 100)}% of the CPU during ${section}`);
  const results: Results = { ...partial, targets: targetsOf(partial) };
  const table = markdown(results);
  const name = quick || values.only || values['redis-logins'] ? 'latest-partial' : 'latest';
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(`${RESULTS}${name}.json`, JSON.stringify(results, null, 2) + '\n');
  writeFileSync(`${RESULTS}${name}.md`, table);
  console.log(`\n${table}`);
  log(`written to bench/results/${name}.json and ${name}.md`);
}

/** --only requests: the requests per login alone (the logins section counts them too), in a few seconds. */
async function countRequestsOnly(sims: Child) {
  const [anakamUrl, gwUrl] = sims.ready.split(' ') as [string, string];
  const trust = { FACTORGATE_TRUST_PROXY: '127.0.0.1' };
  const fg = await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, extra: trust });
  const atReplay = await startFactorgateProcess({ gatewayUrl: gwUrl, anakamUrl, extra: { ...trust, FACTORGATE_GATEWAY_PASSWORD_CHECK: 'at_replay' } });
  try {
    return await countAllRequests({ fgUrl: fg.url, atReplayUrl: atReplay.url, anakamUrl, gwUrl, sims });
  } finally {
    await fg.stop();
    await atReplay.stop();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    killAllChildren();
    process.exit(1);
  },
);
