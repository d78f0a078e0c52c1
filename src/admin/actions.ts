import { createHash } from 'node:crypto';
import type { LoginRecord } from '../login/record.js';
import type { RecentSignIn } from '../ops/recent_sign_ins.js';
import type { RememberedBrowser } from '../security/remembered_browsers.js';
import type { UserCounters } from '../security/limits.js';
import type { AdminDeps } from './deps.js';
import { isUserKey } from '../identity/user_key.js';
import { NO_PUSH_SERVER, type PushEnrolment } from './push_tokens.js';

// Each thing an administrator can do, as a function of the stores: no argument parsing and no
// printing (command.ts does both), so that a test, or a web view later, calls the same code.
// Every change is audited, whether it found something to change or not.

/** A refusal the command turns into its exit status and message. */
export class AdminRefusal extends Error {
  constructor(message: string, readonly exitCode: 1 | 2) {
    super(message);
  }
}

/** Logins at most listed at once: the list is for a person to read. */
export const MAX_LOGINS_LISTED = 1000;
/** Logins waiting counted at most, by their keys alone (no record read), to say how many wait. */
export const MAX_LOGINS_COUNTED = 10_000;

/** How many sign-ins wait, as counted: "10000 or more" once the count reached MAX_LOGINS_COUNTED. `format` writes a number. */
export function waitingInWords(waiting: number, format: (n: number) => string = String): string {
  return waiting >= MAX_LOGINS_COUNTED ? `${format(MAX_LOGINS_COUNTED)} or more` : format(waiting);
}

export type DeviceSummary = { id: string; kind: 'totp' | 'passkey'; name: string; active: boolean; createdAt: number; lastUsedAt?: number };
export type LiveLogin = { ref: string; user: string; clientIp: string; provider: string; step: string; ageSeconds: number };
export type UserReport = {
  user: string;
  devices: DeviceSummary[] | 'no device store';
  /** Push tokens as the push server lists them, or why there is no list. */
  pushTokens: PushEnrolment;
  browsers: RememberedBrowser[];
  limits: UserCounters;
  recoveryCode: { issuedAt: number; expiresAt: number } | null;
  /** The user's sign-ins waiting now, newest first, among those read (WaitingLogins). */
  logins: LiveLogin[];
  /** How many sign-ins wait, and how many of them were read: fewer than wait means the user may have more. */
  loginsRead: { waiting: number; read: number };
  /** Finished sign-ins, newest first (at most 20). */
  recentSignIns: RecentSignIn[];
};

/**
 * A user as the command line names them, the name typed as the user types it (an administrator
 * types what the user types), or by their key itself, as /admin's paths carry it: a key read again
 * as a typed name may be another user's ("domain\bob" is bob where users.realms strips domain)
 * or none (a directory's account name with "@").
 */
export type NamedUser = string | { key: string };

export async function showUser(deps: AdminDeps, named: NamedUser): Promise<UserReport> {
  const user = userKey(deps, named);
  const state = stateOf(deps);
  const [devices, pushTokens, browsers, limits, recoveryCode, waiting, recentSignIns] = await Promise.all([
    devicesOf(deps, user), deps.pushTokens?.(user) ?? NO_PUSH_SERVER, state.browsers.list(user), state.limits.countersOf(user), state.recovery.pending(user), waitingLogins(deps, user), state.signIns.of(user),
  ]);
  const { logins, ...loginsRead } = waiting;
  return { user, devices, pushTokens, browsers, limits, recoveryCode: recoveryCode ?? null, logins, loginsRead, recentSignIns };
}

export async function removeDevice(deps: AdminDeps, named: NamedUser, deviceId: string): Promise<{ user: string; device: string; removed: boolean }> {
  const user = userKey(deps, named);
  const store = deps.devices;
  if (!store) throw new AdminRefusal('otp is not enabled: there is no device store to remove a device from', 2);
  const removed = (await store.remove(user, deviceId)) || ((await store.passkeys?.removePasskey(user, deviceId)) ?? false);
  deps.audit.record({ action: 'device_remove', user, device: deviceId, outcome: removed ? 'done' : 'not_found' });
  return { user, device: deviceId, removed };
}

export async function revokeBrowsers(deps: AdminDeps, named: NamedUser, which: { id: string } | 'all'): Promise<{ user: string; revoked: number }> {
  const user = userKey(deps, named);
  const { browsers } = stateOf(deps);
  const revoked = which === 'all' ? await browsers.revokeAll(user) : (await browsers.revoke(user, which.id)) ? 1 : 0;
  deps.audit.record({ action: 'browsers_revoke', user, browser: which === 'all' ? 'all' : which.id, revoked, outcome: revoked > 0 || which === 'all' ? 'done' : 'not_found' });
  return { user, revoked };
}

export async function unlockUser(deps: AdminDeps, named: NamedUser): Promise<{ user: string; before: UserCounters }> {
  const user = userKey(deps, named);
  const { limits } = stateOf(deps);
  const before = await limits.countersOf(user);
  await limits.unlock(user);
  deps.audit.record({ action: 'unlock', user, wasLocked: before.locked, wrongAnswers: before.wrongAnswers, outcome: 'done' });
  return { user, before };
}

export async function issueRecoveryCode(deps: AdminDeps, named: NamedUser): Promise<{ user: string; code: string; expiresAt: number }> {
  const user = userKey(deps, named);
  const issued = await stateOf(deps).recovery.issue(user, deps.recoveryCodeHours);
  // The code itself is shown to the administrator once and written nowhere else.
  deps.audit.record({ action: 'recovery_code_issue', user, expiresAt: new Date(issued.expiresAt).toISOString(), outcome: 'done' });
  return { user, ...issued };
}

export type WaitingLogins = {
  /** Newest first: every login read, or the user's among them. */
  logins: LiveLogin[];
  /** Logins waiting in the store, counted up to MAX_LOGINS_COUNTED ("that many or more" when it is reached). */
  waiting: number;
  /** Logins read: MAX_LOGINS_LISTED at most, the first the store gives (its own order, not by age). */
  read: number;
};

/**
 * The sign-ins waiting now for the administrator's pages, `user`'s alone when named. However many
 * wait (an attack can leave a hundred thousand), at most MAX_LOGINS_COUNTED keys are walked and
 * MAX_LOGINS_LISTED records read: the same records `logins end` and "End this sign-in" look among
 * (endLogin), so each one listed can be ended. The store keeps no index by age or by user, so the
 * newest are the newest of those read; the pages say so when fewer were read than wait.
 */
export async function waitingLogins(deps: AdminDeps, user?: string): Promise<WaitingLogins> {
  const now = deps.now();
  const { counted, records } = await stateOf(deps).logins.waiting({ count: MAX_LOGINS_COUNTED, read: MAX_LOGINS_LISTED });
  const logins = records.filter((record) => user === undefined || record.username === user).map((record) => describeLogin(record, now));
  return { logins: logins.sort((a, b) => a.ageSeconds - b.ageSeconds), waiting: counted, read: Math.min(counted, MAX_LOGINS_LISTED) };
}

export async function endLogin(deps: AdminDeps, ref: string): Promise<{ ref: string; user?: string; ended: boolean }> {
  const { logins } = stateOf(deps);
  const found = (await logins.live(MAX_LOGINS_LISTED)).find((record) => refOf(record.id) === ref);
  if (found) await logins.remove(found.id, 'ended_by_admin');
  deps.audit.record({ action: 'login_end', login: ref, ...(found && { user: found.username }), outcome: found ? 'done' : 'not_found' });
  return { ref, ...(found && { user: found.username }), ended: found !== undefined };
}

/**
 * A login's name for the administrator: a digest of its id, never the id itself, which stands
 * behind the browser's handle and has no business in a terminal or an audit file. Hex, so that a
 * reference never starts with "-" and is never read as an option on the command line.
 */
export function refOf(loginId: string): string {
  return createHash('sha256').update(loginId).digest('hex').slice(0, 16);
}

function describeLogin(record: LoginRecord, now: number): LiveLogin {
  const open = record.open?.kind === 'challenge' ? record.open.challenge.kind : record.open?.kind === 'form' ? `form ${record.open.factor}` : 'none';
  return {
    ref: refOf(record.id), user: record.username, clientIp: record.clientIp, provider: record.provider,
    step: `${record.flow?.factor ?? '?'}: ${open}`, ageSeconds: Math.floor((now - record.createdAt) / 1000),
  };
}

async function devicesOf(deps: AdminDeps, user: string): Promise<DeviceSummary[] | 'no device store'> {
  const store = deps.devices;
  if (!store) return 'no device store';
  const [apps, passkeys] = await Promise.all([store.list(user), store.passkeys?.listPasskeys(user) ?? []]);
  return [
    ...apps.map((d): DeviceSummary => ({ id: d.id, kind: 'totp', name: d.name, active: d.active, createdAt: d.createdAt, ...(d.lastUsedAt !== undefined && { lastUsedAt: d.lastUsedAt }) })),
    ...passkeys.map((p): DeviceSummary => ({ id: p.id, kind: 'passkey', name: p.name, active: true, createdAt: p.createdAt, ...(p.lastUsedAt !== undefined && { lastUsedAt: p.lastUsedAt }) })),
  ];
}

/** The user's key: made from a typed name as the login makes it, or given as it is. */
function userKey(deps: AdminDeps, named: NamedUser): string {
  if (typeof named !== 'string') {
    // A key is taken as it is, but only one factorgate could have made: every key is folded.
    const { key } = named;
    if (!isUserKey(key)) throw new AdminRefusal(`"${key.replace(/\p{Cc}/gu, '?')}" is not a user key factorgate makes (keys are folded: "bob", not "Bob")`, 2);
    return key;
  }
  try {
    return deps.userNames.fromTyped(named).key;
  } catch (err) {
    throw new AdminRefusal(`"${named}" is not a user name factorgate accepts: ${err instanceof Error ? err.message : String(err)}`, 2);
  }
}

function stateOf(deps: AdminDeps): NonNullable<AdminDeps['state']> {
  if (!deps.state) throw new AdminRefusal('store.type is memory: the login state lives inside the running factorgate, out of reach of this command. Set store.type to redis (docs/configuration.md) to manage it from here', 2);
  return deps.state;
}
