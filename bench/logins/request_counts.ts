import { ask } from '../lib/ipc.js';
import type { Child } from '../lib/proc.js';
import { round } from '../lib/stats.js';
import { runDriver } from './run.js';
import { Tally } from './request_routes.js';
import type { CountResult } from './driver.js';

// The HTTP requests each server receives per login, as the bench's driver makes the logins:
// counted, not timed, so the figure is the same on a busy machine as on a quiet one, and a change
// that adds a request to every login shows in the next run. One virtual user makes LOGINS logins
// one after the other; the simulators count what they received (by server and route, and the
// two-factor API's commands from its call log), the driver what it sent to factorgate.

const LOGINS = 20;

/** Per login: requests by "server route", commands by "two-factor command NAME", connections by "server connections". */
export type RequestCounts = { logins: number; failures: number; perLogin: Record<string, number>; byServer: Record<ServerRow, number> };

export const SERVER_ROWS = ['factorgate', 'gateway simulator', 'two-factor simulator, API', 'two-factor simulator, outbox (the driver reading the passcode)', 'push simulator'] as const;
export type ServerRow = typeof SERVER_ROWS[number];

/** Which row of the report a request's label counts in; connections and commands are no rows of their own. */
export function rowOf(label: string): ServerRow | undefined {
  if (label.endsWith(' connections') || label.startsWith('two-factor command ')) return undefined;
  if (label.startsWith('factorgate ')) return 'factorgate';
  if (label.startsWith('gateway ')) return 'gateway simulator';
  if (label.startsWith('two-factor ')) return label.includes(' /tfa/api/') ? 'two-factor simulator, API' : 'two-factor simulator, outbox (the driver reading the passcode)';
  if (label.startsWith('push ')) return 'push simulator';
  return undefined;
}

export async function countRequests(o: {
  via: 'factorgate' | 'baseline'; path: 'passcode' | 'device'; fgUrl: string; anakamUrl: string; gwUrl: string; sims: Child; firstUser: number; cpus?: string;
}): Promise<RequestCounts> {
  type Snapshot = { requests: Record<string, number>; commands: Record<string, number> };
  const snapshots: Record<string, Snapshot> = {};
  const result = await runDriver<CountResult>({ kind: 'count', via: o.via, path: o.path, logins: LOGINS, firstUser: o.firstUser, fgUrl: o.fgUrl, anakamUrl: o.anakamUrl, gwUrl: o.gwUrl }, o.cpus, async (name) => {
    snapshots[name] = await ask<Snapshot>(o.sims.proc, 'requests');
  });
  const start = snapshots['count-start']!;
  const end = snapshots['count-end']!;
  const all = { ...Tally.since(end.requests, start.requests), ...Tally.since(end.commands, start.commands), ...result.factorgateRequests };
  const perLogin: Record<string, number> = {};
  const byServer = Object.fromEntries(SERVER_ROWS.map((row) => [row, 0])) as Record<ServerRow, number>;
  for (const [label, n] of Object.entries(all).sort(([a], [b]) => a.localeCompare(b))) {
    perLogin[label] = round(n / LOGINS, 2);
    const row = rowOf(label);
    if (row) byServer[row] = round(byServer[row] + n / LOGINS, 2);
  }
  return { logins: result.logins, failures: result.failures, perLogin, byServer };
}

export type RequestCountResults = Record<'passcode' | 'device', Record<'factorgate' | 'at_replay' | 'baseline', RequestCounts>>;

/** The counts for both paths through factorgate (both password orders) and for the baseline client. */
export async function countAllRequests(o: { fgUrl: string; atReplayUrl: string; anakamUrl: string; gwUrl: string; sims: Child; cpus?: string }): Promise<RequestCountResults> {
  // Users of their own, apart from the runs' (0-255) and the waiting sections' (1000 on).
  let user = 900;
  const counted = {} as RequestCountResults;
  for (const path of ['passcode', 'device'] as const) {
    const one = (via: 'factorgate' | 'baseline', fgUrl: string) => countRequests({ ...o, via, path, fgUrl, firstUser: user++ });
    counted[path] = { factorgate: await one('factorgate', o.fgUrl), at_replay: await one('factorgate', o.atReplayUrl), baseline: await one('baseline', o.fgUrl) };
  }
  return counted;
}
