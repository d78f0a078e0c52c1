import type { Machine } from './lib/machine.js';
import type { PushResults } from './push/run.js';
import type { PassthroughResults, TargetName } from './passthrough/run.js';
import type { LoginResults, MeasuredRun, PathResult } from './logins/run.js';
import type { WaitingResults } from './waiting/run.js';
import { SERVER_ROWS, type RequestCountResults } from './logins/request_counts.js';
import type { Layout } from './layout.js';

// The results as one JSON document (bench/results/latest.json) and as Markdown tables (printed,
// and pasted into README.md's Performance section).

export type Target = { target: string; goal: string; measured: string; met: boolean };

export type Results = {
  machine: Machine;
  layout: { passthrough: Layout; logins: Layout };
  passthrough?: PassthroughResults;
  logins?: LoginResults;
  /** HTTP requests per login at each server (also in logins.requests when the logins section ran). */
  requests?: RequestCountResults;
  waiting?: WaitingResults;
  /** The same with the Redis store, and what the logins take in Redis. */
  waitingRedis?: WaitingResults;
  push?: PushResults;
  /** Share of the machine's CPU that processes outside the bench used during each section (0.05 = 5%). */
  outsideCpuShare?: Record<string, number>;
  targets: Target[];
};

const LABELS: Record<TargetName, string> = {
  direct: 'upstream directly',
  factorgate: 'factorgate (inline mode)',
  nginx: 'nginx alone, plain proxy configuration, 2 workers',
  nginx_edge: 'nginx in edge mode (`factorgate edge nginx`), 2 workers',
  haproxy: 'HAProxy alone, plain configuration, 2 threads',
  haproxy_edge: 'HAProxy in edge mode (`factorgate edge haproxy`), 2 threads',
  factorgate_workers2: 'factorgate (inline), `listen.workers: 2` (Redis store)',
};
const EDGE_NAMES = { nginx: 'nginx', haproxy: 'HAProxy' } as const;
const gap = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(2)} ms`;

const n = (x: number) => x.toLocaleString('en-US');
const round3 = (x: number) => Math.round(x * 1000) / 1000;
const x2 = (r: number) => `${r.toFixed(2)}×`;
const pct = (share: number) => `${(share * 100).toFixed(1)} %`;

export function targetsOf(r: Omit<Results, 'targets'>): Target[] {
  const t: Target[] = [];
  const p = r.passthrough;
  if (p) {
    // With two workers measured, the target counts as met when either mode meets it: both are factorgate as shipped.
    const w2 = p.ratios.factorgateWorkers2ToNginx;
    const best = Math.max(p.ratios.factorgateToNginx, w2 ?? 0);
    for (const kind of ['nginx', 'haproxy'] as const) {
      const e = p.edge[kind];
      t.push({ target: `edge mode: pass-through requests/s, ${EDGE_NAMES[kind]} with the generated configuration vs ${EDGE_NAMES[kind]} alone`, goal: '≥ 0.97×', measured: x2(e.rpsRatio), met: e.rpsRatio >= 0.97 });
      t.push({ target: `edge mode: pass-through p99 at moderate load, ${EDGE_NAMES[kind]} with the generated configuration vs ${EDGE_NAMES[kind]} alone`, goal: '≤ +0.2 ms', measured: gap(e.moderateP99GapMs), met: e.moderateP99GapMs <= 0.2 });
    }
    t.push({ target: `inline mode: pass-through requests/s vs nginx${w2 === undefined ? '' : ' (1 process / 2 workers)'}`, goal: '≥ 0.80×', measured: x2(p.ratios.factorgateToNginx) + (w2 === undefined ? '' : ` / ${x2(w2)}`), met: best >= 0.8 });
    const g2 = p.moderateP99GapWorkers2Ms;
    t.push({ target: `inline mode: pass-through p99 vs direct, moderate load${g2 === undefined ? '' : ' (1 process / 2 workers)'}`, goal: '≤ +1 ms', measured: gap(p.moderateP99GapMs) + (g2 === undefined ? '' : ` / ${gap(g2)}`), met: Math.min(p.moderateP99GapMs, g2 ?? Infinity) <= 1 });
  }
  const l = r.logins;
  if (l) {
    for (const kind of ['nginx', 'haproxy'] as const) {
      const [pc, dv] = [l.passcode.edge?.[kind], l.device.edge?.[kind]];
      if (pc && dv) {
        t.push({ target: `edge mode: logins/s through ${EDGE_NAMES[kind]} vs straight to factorgate (passcode / device)`, goal: '≥ 0.95×', measured: `${x2(pc.ratio)} / ${x2(dv.ratio)}`, met: Math.min(pc.ratio, dv.ratio) >= 0.95 });
        t.push({ target: `edge mode: ${EDGE_NAMES[kind]}'s share of a login's CPU through it (passcode / device)`, goal: '≤ 5 %', measured: `${pct(pc.cpuShare)} / ${pct(dv.cpuShare)}`, met: Math.max(pc.cpuShare, dv.cpuShare) <= 0.05 });
      }
    }
    for (const [name, path] of [['passcode path', l.passcode], ['registered device', l.device]] as const) {
      const w2 = path.ratioWorkers2;
      t.push({
        target: `logins/s vs baseline, ${name}${w2 === undefined ? '' : ' (1 process / 2 workers)'}`, goal: '≥ 0.70×',
        measured: x2(path.ratio) + (w2 === undefined ? '' : ` / ${x2(w2)}`), met: Math.max(path.ratio, w2 ?? 0) >= 0.7,
      });
    }
    const c = l.connections.factorgate;
    t.push({ target: 'connections to the two-factor server per 1,000 logins', goal: '≤ 5', measured: `${c.per1000Logins} (${c.per1000AllLogins} with start-up)`, met: c.per1000Logins <= 5 });
  }
  const w = r.waiting;
  if (w) t.push({ target: 'memory per waiting login (memory store)', goal: '< 4 KB', measured: `${n(w.bytesPerLogin)} B`, met: w.bytesPerLogin < 4096 && w.parked === w.settings.count && !w.expiredWhileParking });
  const wr = r.waitingRedis;
  if (wr) t.push({ target: 'logins waiting in Redis', goal: '100,000', measured: `${n(wr.parked)} of ${n(wr.settings.count)}${wr.expiredWhileParking ? ', the first expired before the last was parked' : ''}`, met: wr.parked >= 100_000 && !wr.expiredWhileParking });
  return t;
}

export function markdown(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  const outside = Object.entries(r.outsideCpuShare ?? {}).map(([k, v]) => `${k} ${Math.round(v * 100)}%`).join(', ');
  out.push(`Measured ${m.date.slice(0, 10)} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}, nginx ${m.nginx}, HAProxy ${m.haproxy}, ${m.wrk}; load average ${m.loadAverageAtStart} at start` +
    `${outside ? `; CPU used by processes outside the bench: ${outside}` : ''}; commit ${m.commit}.`);
  const p = r.passthrough;
  if (p) {
    const s = p.settings;
    out.push('', `**Pass-through** (wrk, 1 thread, ${s.connections} connections, ${s.seconds} s × ${s.rounds} rounds, median round; moderate load: ${s.moderate.connections} connections, each pausing 0–${2 * s.moderate.paceMs} ms at random between requests, ${s.moderate.seconds} s × ${s.rounds} rounds, median)`, '');
    out.push('| path | requests/s | p50 ms | p99 ms | CPU µs/request | moderate: requests/s | moderate: p50 ms | moderate: p99 ms |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const [name, t] of Object.entries(p.targets) as Array<[TargetName, NonNullable<PassthroughResults['targets'][TargetName]>]>) {
      out.push(`| ${LABELS[name]} | ${n(t.rps)} | ${t.p50Ms} | ${t.p99Ms} | ${t.cpuUsPerRequest} | ${n(t.moderate.rps)} | ${t.moderate.p50Ms} | ${t.moderate.p99Ms} |`);
    }
    out.push('', `factorgate/nginx ${x2(p.ratios.factorgateToNginx)}, factorgate/direct ${x2(p.ratios.factorgateToDirect)}, nginx/direct ${x2(p.ratios.nginxToDirect)}` +
      (p.ratios.factorgateWorkers2ToNginx !== undefined ? `, factorgate 2 workers/nginx ${x2(p.ratios.factorgateWorkers2ToNginx)}` : '') +
      `; at moderate load factorgate's p99 is ${p.moderateP99GapMs.toFixed(2)} ms above direct's` +
      (p.moderateP99GapWorkers2Ms !== undefined ? ` (2 workers: ${p.moderateP99GapWorkers2Ms.toFixed(2)} ms)` : '') + '.');
    out.push('', 'Edge mode against the same proxy alone, round by round (median): ' + (['nginx', 'haproxy'] as const).map((k) => {
      const e = p.edge[k];
      return `${EDGE_NAMES[k]} ${x2(e.rpsRatio)} the requests/s (rounds ${e.roundsRpsRatio.map(x2).join(', ')}), p99 at moderate load ${gap(e.moderateP99GapMs)} (rounds ${e.roundsModerateP99GapMs.map(gap).join(', ')})`;
    }).join('; ') + '.');
  }
  const l = r.logins;
  if (l) {
    const s = l.settings;
    out.push('', `**Logins** against the simulators, no added latency (${s.vus} virtual users, ${s.seconds} s × ${s.rounds} rounds after ${s.warmupSeconds} s warm-up, median)`, '');
    out.push('| path | factorgate logins/s | baseline logins/s | factorgate/baseline | p50 / p99 ms: factorgate | p50 / p99 ms: baseline | CPU ms per login through factorgate: driver + factorgate + simulators | CPU ms per login, baseline: client + simulators |', '|---|---:|---:|---:|---:|---:|---:|---:|');
    const rows = [['passcode', l.passcode.factorgate, l.passcode, l.passcode.ratio], ['registered device', l.device.factorgate, l.device, l.device.ratio]] as Array<[string, MeasuredRun, PathResult, number]>;
    for (const [name, path] of [['passcode', l.passcode], ['registered device', l.device]] as const) {
      if (path.passwordOrder) rows.push([`${name}, password checked at the replay (\`gateway.passwordCheck: at_replay\`)`, path.passwordOrder.atReplay, path, round3(path.passwordOrder.atReplay.loginsPerSecond / path.baseline.loginsPerSecond)]);
    }
    for (const [name, path] of [['passcode', l.passcode], ['registered device', l.device]] as const) {
      if (path.workers2) rows.push([`${name}, \`listen.workers: 2\` (Redis store; CPU includes redis-server)`, path.workers2, path, path.ratioWorkers2!]);
    }
    for (const kind of ['nginx', 'haproxy'] as const) {
      for (const [name, path] of [['passcode', l.passcode], ['registered device', l.device]] as const) {
        const e = path.edge?.[kind];
        if (e) rows.push([`${name}, through ${EDGE_NAMES[kind]} in edge mode (CPU: + the edge's)`, e.run, path, round3(e.run.loginsPerSecond / path.baseline.loginsPerSecond)]);
      }
    }
    for (const [name, f, path, ratio] of rows) {
      const b = path.baseline;
      const edgeCpu = f.edgeCpuMsPerLogin === undefined ? '' : ` + ${f.edgeCpuMsPerLogin}`;
      out.push(`| ${name} | ${n(f.loginsPerSecond)} | ${n(b.loginsPerSecond)} | ${x2(ratio)} | ${f.p50Ms} / ${f.p99Ms} | ${b.p50Ms} / ${b.p99Ms} | ` +
        `${f.driverCpuMsPerLogin} + **${f.factorgateCpuMsPerLogin}**${edgeCpu} + ${f.simulatorsCpuMsPerLogin} | ${b.driverCpuMsPerLogin} + ${b.simulatorsCpuMsPerLogin} |`);
    }
    const [po, do_] = [l.passcode.passwordOrder, l.device.passwordOrder];
    if (po && do_) {
      const cpu = (f: MeasuredRun, a: MeasuredRun) => `${f.factorgateCpuMsPerLogin} ms against ${a.factorgateCpuMsPerLogin} ms`;
      out.push('', `The two password orders in the same rounds (the default, where the gateway checks the password first and factorgate holds its session, against \`at_replay\`): ` +
        `logins/s ${x2(po.ratio)} (passcode, rounds ${po.roundsRatio.map(x2).join(', ')}) and ${x2(do_.ratio)} (device, rounds ${do_.roundsRatio.map(x2).join(', ')}); ` +
        `factorgate's CPU per login ${cpu(l.passcode.factorgate, po.atReplay)} (passcode), ${cpu(l.device.factorgate, do_.atReplay)} (device).`);
    }
    const [pe, de] = [l.passcode.edge, l.device.edge];
    const edgeRatios = pe && de ? (['nginx', 'haproxy'] as const).map((k) =>
      `${EDGE_NAMES[k]} ${x2(pe[k].ratio)} (passcode, rounds ${pe[k].roundsRatio.map(x2).join(', ')}) and ${x2(de[k].ratio)} (device, rounds ${de[k].roundsRatio.map(x2).join(', ')}); ` +
      `its share of each login's CPU ${pct(pe[k].cpuShare)} (rounds ${pe[k].roundsCpuShare.map(pct).join(', ')}) and ${pct(de[k].cpuShare)} (rounds ${de[k].roundsCpuShare.map(pct).join(', ')})`) : [];
    if (edgeRatios.length) out.push('', `Logins in edge mode against logins straight to factorgate in the same rounds: ${edgeRatios.join('; ')}. ` +
      'The share of CPU is read from each edge run alone (the edge\'s CPU per login over the CPU per login of the driver, the edge, factorgate and the simulators): where CPU is the limit, the edge leaves about 1 − that share of the logins, whatever the machine\'s speed did between runs.');
    const c = l.connections;
    out.push('', `Connections opened to the two-factor server's API per 1,000 logins: factorgate ${c.factorgate.per1000Logins} while measured (${c.factorgate.tfaConnections} for ${n(c.factorgate.logins)} logins), ${c.factorgate.per1000AllLogins} including start-up and warm-up; baseline ${c.baseline.per1000Logins} / ${c.baseline.per1000AllLogins}.`);
  }
  const q = r.logins?.requests ?? r.requests;
  if (q) out.push('', ...requestsTable(q));
  for (const w of [r.waiting, r.waitingRedis]) {
    if (!w) continue;
    const inRedis = w.redis ? `; in Redis: ${n(w.redis.usedMemoryBytesPerLogin)} bytes of used_memory and ${w.redis.keysPerLogin} keys per waiting login, the login record itself ${n(w.redis.loginRecordBytes.mean)} bytes (MEMORY USAGE, mean of ${n(w.redis.loginRecordBytes.sampled)}, max ${n(w.redis.loginRecordBytes.max)})` : '';
    const expired = w.expiredWhileParking ? ' **The first of them had expired before the figures were read: they undercount; run it on a quieter machine.**' : '';
    out.push('', `**Waiting logins, ${w.store} store**: ${n(w.parked)} of ${n(w.settings.count)} parked at the passcode step in ${w.parkSeconds} s (${w.settings.concurrency} at a time), held ${w.settings.holdSeconds} s: ` +
      `${n(w.bytesPerLogin)} bytes of heap + external memory in factorgate per waiting login (RSS ${n(w.rssBytesPerLogin)})${inRedis}. ` +
      `Event loop delay while they wait: max ${w.loopDelay.waiting.maxMs} ms, p99 ${w.loopDelay.waiting.p99Ms} ms; while they are being parked (factorgate saturated): max ${w.loopDelay.parking.maxMs} ms, p99 ${w.loopDelay.parking.p99Ms} ms, mean ${w.loopDelay.parking.meanMs} ms.${expired}`);
  }
  const pu = r.push;
  if (pu) {
    out.push('', `**Waiting push logins**: ${n(pu.parked)} of ${n(pu.settings.count)} push logins parked at the waiting page: ${n(pu.bytesPerLogin)} bytes of heap + external memory per waiting push login. ` +
      `Poll traffic: ${pu.settings.watched} waiting pages connected for ${pu.settings.watchSeconds} s caused ${n(pu.statusChecks)} status polls to the push server, ` +
      `${pu.pollsPerLoginPerMinute} per waiting login per minute (1 s apart at first, backing off to 5 s: 12 a minute once settled).`);
  }
  out.push('', '| target | goal | measured | met |', '|---|---|---|---|');
  for (const t of r.targets) out.push(`| ${t.target} | ${t.goal} | ${t.measured} | ${t.met ? 'yes' : '**no**'} |`);
  return out.join('\n') + '\n';
}

/** Requests per login at each server, counted (not timed): a login that costs an extra request shows here on any machine. */
function requestsTable(q: RequestCountResults): string[] {
  const columns = [
    ['passcode', 'factorgate'], ['passcode', 'at_replay'], ['passcode', 'baseline'], ['device', 'factorgate'], ['device', 'at_replay'], ['device', 'baseline'],
  ] as const;
  const head = { factorgate: 'through factorgate', at_replay: 'through factorgate, `at_replay`', baseline: 'baseline' } as const;
  const out = [
    `**Requests per login** at each server, counted over ${q.passcode.factorgate.logins + q.passcode.factorgate.failures} logins of one virtual user per column (the full list by route and two-factor command is in the JSON)`, '',
    `| server | ${columns.map(([path, via]) => `${path}: ${head[via]}`).join(' | ')} |`, `|---|${columns.map(() => '---:').join('|')}|`,
  ];
  for (const row of SERVER_ROWS) out.push(`| ${row} | ${columns.map(([path, via]) => q[path][via].byServer[row]).join(' | ')} |`);
  const commands = (c: Record<string, number>) => Object.entries(c).filter(([k]) => k.startsWith('two-factor command ')).map(([k, v]) => `${k.slice('two-factor command '.length)}${v === 1 ? '' : ` ×${v}`}`).join(', ');
  out.push('', `Two-factor commands per login through factorgate: ${commands(q.passcode.factorgate.perLogin)} (passcode), ${commands(q.device.factorgate.perLogin)} (device); baseline: ${commands(q.passcode.baseline.perLogin)}, ${commands(q.device.baseline.perLogin)}.`);
  const opened = columns.map(([path, via]) => Object.entries(q[path][via].perLogin).filter(([k]) => k.endsWith(' connections')).reduce((sum, [, v]) => sum + v, 0));
  out.push('', `Connections the simulators accepted per login while counted: ${columns.map(([path, via], i) => `${path} ${head[via]} ${opened[i]}`).join(', ')} (0: every request went over a kept-alive connection).`);
  const failed = columns.reduce((sum, [path, via]) => sum + q[path][via].failures, 0);
  if (failed) out.push('', `**${failed} counted logins failed**: the counts above are not whole logins.`);
  return out;
}
