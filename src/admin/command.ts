import { parseArgs } from 'node:util';
import {
  AdminRefusal, endLogin, issueRecoveryCode, removeDevice, revokeBrowsers, showUser, unlockUser, waitingInWords, waitingLogins,
  type LiveLogin, type NamedUser, type UserReport, type WaitingLogins,
} from './actions.js';
import type { AdminDeps } from './deps.js';

// `factorgate admin ...`: reads its arguments, runs one action (actions.ts), prints the result
// for a person, or as JSON with --json for a script. Exit 0 done, 1 nothing found or a store
// failed, 2 asked wrongly.

export const ADMIN_USAGE = `factorgate admin COMMAND [--config FILE] [--json] [--actor NAME]
  users show NAME                 the user's devices, push tokens (where the push server lists
                                  them), remembered browsers, locks and limit
                                  counters, unused recovery code, sign-ins waiting now, and
                                  the last 20 finished, newest first
  devices remove NAME DEVICE      remove an authenticator app or passkey (its id, from users show)
  browsers revoke NAME ID|--all   revoke one remembered browser, or all of the user's
  unlock NAME                     clear the user's lock and limit counters
  recovery-code NAME              issue a one-time recovery code (shown once; a new one replaces
                                  the last): the user signs in with it once and enrols a new device
  logins list                     sign-ins waiting now, newest first: user, client address,
                                  provider, step, age
  logins end REF                  end one of them (REF from logins list)
  --json     print JSON, for scripts
  --actor    who is acting, for the audit line (default: the operating system's user)
  --key      NAME is the user's key exactly as users show, /admin and the audit lines print it
             (for keys a typed name does not lead to: "corp\\bob" where users.realms strips)
Every action is written as one JSON line (event admin_action) to admin.auditFile, or to
standard error.`;

type Write = (text: string) => void;
export type AdminArgs = { positionals: string[]; json: boolean; all: boolean; key?: boolean };

/** Only the options that change the configuration and the actor; the rest is read by runAdminCommand. */
export function readAdminArgs(argv: string[]): { args: AdminArgs; config?: string; actor?: string } | string {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { config: { type: 'string', short: 'c' }, json: { type: 'boolean' }, actor: { type: 'string' }, all: { type: 'boolean' }, key: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    return { args: { positionals, json: values.json ?? false, all: values.all ?? false, key: values.key ?? false }, config: values.config, actor: values.actor };
  } catch (err) {
    return (err as Error).message;
  }
}

export async function runAdminCommand(args: AdminArgs, deps: AdminDeps, out: Write, err: Write): Promise<number> {
  const [noun, verb, ...rest] = args.positionals;
  const print = (value: unknown, text: () => string) => out(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  // With --key, NAME is the key itself, not a name to read the way a user's typing is read.
  const user = (name: string): NamedUser => (args.key ? { key: name } : name);
  try {
    if (noun === 'users' && verb === 'show' && rest.length === 1) {
      const report = await showUser(deps, user(rest[0]!));
      print(report, () => userText(report));
      return 0;
    }
    if (noun === 'devices' && verb === 'remove' && rest.length === 2) {
      const result = await removeDevice(deps, user(rest[0]!), rest[1]!);
      print(result, () => (result.removed ? `removed device ${result.device} of ${result.user}` : `${result.user} has no device ${result.device}`));
      return result.removed ? 0 : 1;
    }
    if (noun === 'browsers' && verb === 'revoke' && ((rest.length === 2 && !args.all) || (rest.length === 1 && args.all))) {
      const result = await revokeBrowsers(deps, user(rest[0]!), args.all ? 'all' : { id: rest[1]! });
      print(result, () => `revoked ${result.revoked} remembered browser${result.revoked === 1 ? '' : 's'} of ${result.user}`);
      return result.revoked > 0 || args.all ? 0 : 1;
    }
    if (noun === 'unlock' && verb !== undefined && rest.length === 0) {
      const result = await unlockUser(deps, user(verb));
      print(result, () => `${result.user} unlocked (was ${result.before.locked ? 'locked' : 'not locked'}: ${result.before.wrongAnswers} wrong answers, ${result.before.starts} sign-in starts in the window)`);
      return 0;
    }
    if (noun === 'recovery-code' && verb !== undefined && rest.length === 0) {
      const result = await issueRecoveryCode(deps, user(verb));
      print(result, () => `recovery code for ${result.user}: ${result.code}\nvalid once, until ${new Date(result.expiresAt).toISOString()}; it is shown only now. The user chooses "Use a recovery code" at sign-in.`);
      return 0;
    }
    if (noun === 'logins' && verb === 'list' && rest.length === 0) {
      const listing = await waitingLogins(deps);
      print(listing.logins, () => loginsText(listing));
      return 0;
    }
    if (noun === 'logins' && verb === 'end' && rest.length === 1) {
      const result = await endLogin(deps, rest[0]!);
      print(result, () => (result.ended ? `ended sign-in ${result.ref} of ${result.user}` : `no sign-in ${result.ref} is waiting`));
      return result.ended ? 0 : 1;
    }
    err(`usage: ${ADMIN_USAGE}\n`);
    return 2;
  } catch (e) {
    if (e instanceof AdminRefusal) {
      err(`factorgate admin: ${e.message}\n`);
      return e.exitCode;
    }
    err(`factorgate admin: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

const when = (ms: number) => new Date(ms).toISOString();

function userText(report: UserReport): string {
  const lines = [`user ${printable(report.user)}`];
  lines.push('devices:');
  if (report.devices === 'no device store') lines.push('  (otp is not enabled: no device store)');
  else if (report.devices.length === 0) lines.push('  none');
  else for (const d of report.devices) lines.push(`  ${d.id}  ${d.kind}  "${printable(d.name)}"  ${d.active ? 'active' : 'not confirmed'}  added ${when(d.createdAt)}${d.lastUsedAt ? `  last used ${when(d.lastUsedAt)}` : ''}`);
  lines.push('push tokens (as the push server lists them):');
  if (typeof report.pushTokens === 'string') lines.push(`  ${report.pushTokens}`);
  else if (report.pushTokens.length === 0) lines.push('  none');
  else for (const t of report.pushTokens) lines.push(`  ${printable(t.serial)}  "${printable(t.description)}"${t.active === undefined ? '' : t.active ? '  active' : '  disabled'}${t.failCount === undefined ? '' : `  ${t.failCount} failed`}`);
  lines.push('remembered browsers:');
  if (report.browsers.length === 0) lines.push('  none');
  for (const b of report.browsers) lines.push(`  ${b.id}  ${b.userAgent}  from ${printable(b.clientIp)}  issued ${when(b.issuedAt)}  expires ${when(b.expiresAt)}`);
  const l = report.limits;
  lines.push(`limits: ${l.locked ? 'LOCKED' : 'not locked'}  (this window: ${l.wrongAnswers} wrong answers, ${l.starts} sign-in starts, ${l.pushes} pushes)`);
  lines.push(`recovery code: ${report.recoveryCode ? `unused, expires ${when(report.recoveryCode.expiresAt)}` : 'none'}`);
  lines.push('sign-ins waiting now:');
  if (report.logins.length === 0) lines.push('  none');
  for (const login of report.logins) lines.push(`  ${loginLine(login)}`);
  if (report.loginsRead.read < report.loginsRead.waiting) lines.push(`  (only ${report.loginsRead.read} of the ${waitingInWords(report.loginsRead.waiting)} sign-ins waiting were read: this user may have more)`);
  lines.push('recent sign-ins (newest first):');
  if (report.recentSignIns.length === 0) lines.push('  none');
  for (const s of report.recentSignIns) lines.push(`  ${when(s.at)}  ${s.outcome}  from ${printable(s.clientIp)}  ${printable(s.provider)}  ${printable(s.way)}`);
  return lines.join('\n');
}

/** The table, newest first; as /admin, it says so when the store held more than were read. */
export function loginsText({ logins, waiting, read }: WaitingLogins): string {
  if (logins.length === 0) return 'no sign-in is waiting';
  const table = ['REF           USER  CLIENT  PROVIDER  STEP  AGE', ...logins.map(loginLine)];
  if (read < waiting) table.push(`only ${read} of the ${waitingInWords(waiting)} sign-ins waiting were read; the newest of those are listed`);
  return table.join('\n');
}

const loginLine = (l: LiveLogin) => `${l.ref}  ${printable(l.user)}  ${printable(l.clientIp)}  ${l.provider}  ${l.step}  ${l.ageSeconds}s`;

/** What users typed reaches a terminal only without control characters (no escape sequences). */
const printable = (text: string) => text.replace(/\p{Cc}/gu, '?');
