import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { FactorgateError } from '../errors.js';
import type { Store } from '../state/store.js';

// Every limit factorgate puts on guessing and flooding, in one place, for the login and the
// /manageotp portal alike (the portal spends the login's budgets, so it is no side door).
// Fixed-window counters in the shared store, so limits hold across instances once the store does.
//
//   starts-client  login starts and portal sign-ins per client address (an IPv6 client by its /64)
//   starts-user    login starts and portal sign-ins per user
//   wrong-user     wrong passwords, passcodes and codes per user, across logins: at its maximum the
//                  user is locked for a whole window from then (NIST SP 800-63B allows at most
//                  100); a denied push counts here too, and so does a lock the two-factor server
//                  reports, so the user is told one lock and its length
//   pushes-user    push notifications sent to one user's phone (push fatigue: pushes sent until a
//                  tired user taps Allow)
//
// The client's budget is checked first, and a user is counted only when the client was allowed:
// one throttled address cannot lock out the users it names, and its refused posts leave nothing
// behind per user name. A guess takes its place in wrong-user before it is checked, so logins
// opened in parallel cannot check more guesses than the limit between them.

/** The `limits` section: every limit and its default, documented (docs/configuration.md is made from it). */
export const limitsSchema = z.object({
  windowSeconds: z.number().int().min(10).max(86_400).default(900).describe('Window over which the limits below count.'),
  loginStartsPerUser: z.number().int().min(1).max(1000).default(10).describe('Logins one user may start per window.'),
  loginStartsPerClient: z.number().int().min(1).max(10_000).default(30).describe('Logins one client address may start per window.'),
  wrongAnswersPerUser: z.number().int().min(1).max(99).default(10)
    .describe('Wrong passcodes per user per window, across logins (NIST SP 800-63B: at most 100 consecutive failures).'),
  pushesPerUser: z.number().int().min(1).max(100).default(5)
    .describe('Push notifications one user may be sent per window, across logins (against push fatigue: pushes sent until a tired user taps Allow). A denied push also counts as a wrong answer.'),
  resendsPerLogin: z.number().int().min(0).max(10).default(3).describe('New passcodes one login may ask for.'),
  ipv6PrefixLength: z.number().int().min(32).max(128).default(64)
    .describe('An IPv6 client counts toward the per-client limit by its network of this many bits (one host usually holds a whole /64); 128 counts each address alone.'),
});

export type LimitsConfig = z.infer<typeof limitsSchema>;

type Rule = 'starts-client' | 'starts-user' | 'wrong-user' | 'pushes-user';

// The lock's own entry holds when it ends: the user is told how long it lasts (a fixed window's
// counter alone would end the lock anywhere from at once to a whole window later).
const lockKey = (user: string) => `limit:lock:${user}`;

/** What the window holds against one user; locked when no wrong answer or start is left. */
export type UserCounters = { wrongAnswers: number; starts: number; pushes: number; locked: boolean };

export class Limits {
  private readonly windowMs: number;

  constructor(private readonly store: Store, private readonly config: LimitsConfig, private readonly now: () => number = Date.now) {
    this.windowMs = config.windowSeconds * 1000;
  }

  /** A login start or a portal sign-in: the client's budget, then the user's, then the user's lock. */
  async admitStart(user: string, clientIp: string): Promise<void> {
    await this.count('starts-client', this.clientKey(clientIp), this.config.loginStartsPerClient);
    await this.count('starts-user', user, this.config.loginStartsPerUser);
    await this.refuseIfLocked(user);
  }

  /** Refused with rate_limited (and how long the lock lasts) while the user is locked. */
  async refuseIfLocked(user: string): Promise<void> {
    const wrong = (await this.store.get<number>(key('wrong-user', user))) ?? 0;
    const until = await this.store.get<number>(lockKey(user));
    if (until !== undefined || wrong >= this.config.wrongAnswersPerUser) throw this.lockedError(wrong, until);
  }

  /** Wrong answers the user has left before the lock; 0 while locked. */
  async wrongAnswersLeft(user: string): Promise<number> {
    if ((await this.store.get<number>(lockKey(user))) !== undefined) return 0;
    const wrong = (await this.store.get<number>(key('wrong-user', user))) ?? 0;
    return Math.max(0, this.config.wrongAnswersPerUser - wrong);
  }

  /** The user is locked for a whole window from now (their last wrong answer was spent, or the two-factor server locked them). */
  async lock(user: string): Promise<void> {
    await this.store.setIfAbsent(lockKey(user), this.now() + this.windowMs, this.windowMs);
  }

  /**
   * One guess at a user's secret (password, passcode, code). It takes one of the user's wrong
   * answers before `check` runs, and gives it back when `wrong` says the guess was not wrong (or
   * the check could not be made); with none left it is refused and never checked.
   */
  async guess<T>(user: string, check: () => Promise<T>, wrong: (result: T) => boolean): Promise<T> {
    const slot = key('wrong-user', user);
    const until = await this.store.get<number>(lockKey(user));
    if (until !== undefined) throw this.lockedError((await this.store.get<number>(slot)) ?? 0, until);
    const taken = await this.store.increment(slot, this.windowMs);
    if (taken > this.config.wrongAnswersPerUser) {
      await this.store.decrement(slot);
      throw this.lockedError(taken - 1, await this.store.get<number>(lockKey(user)));
    }
    let result: T;
    try {
      result = await check();
    } catch (err) {
      await this.store.decrement(slot);
      throw err;
    }
    if (!wrong(result)) await this.store.decrement(slot);
    else if (taken === this.config.wrongAnswersPerUser) await this.lock(user);
    return result;
  }

  /** A push about to be sent to the user's phone; refused once the user's pushes for the window are spent. */
  async admitPush(user: string): Promise<void> {
    await this.count('pushes-user', user, this.config.pushesPerUser);
  }

  /** The user denied a push: a wrong answer, counted once however often the denial is read (`push` names the push). */
  async pushDenied(user: string, push: string): Promise<void> {
    if (!(await this.store.setIfAbsent(`limit:denied:${push}`, 1, this.windowMs))) return;
    const wrong = await this.store.increment(key('wrong-user', user), this.windowMs);
    if (wrong >= this.config.wrongAnswersPerUser) await this.lock(user);
  }

  /** A wrong code at the portal also spends the client's budget of starts. */
  async countClient(clientIp: string): Promise<void> {
    await this.count('starts-client', this.clientKey(clientIp), this.config.loginStartsPerClient);
  }

  /** The user's counters in this window, for the administrator: each rule's count and whether the user is locked. */
  async countersOf(user: string): Promise<UserCounters> {
    const read = async (rule: Rule) => (await this.store.get<number>(key(rule, user))) ?? 0;
    const [wrongAnswers, starts, pushes, until] = await Promise.all([read('wrong-user'), read('starts-user'), read('pushes-user'), this.store.get<number>(lockKey(user))]);
    return { wrongAnswers, starts, pushes, locked: until !== undefined || wrongAnswers >= this.config.wrongAnswersPerUser || starts >= this.config.loginStartsPerUser };
  }

  /** An administrator clears the user's lock: the user's wrong answers, starts and pushes count from zero again. */
  async unlock(user: string): Promise<void> {
    await Promise.all([...(['wrong-user', 'starts-user', 'pushes-user'] as const).map((rule) => this.store.delete(key(rule, user))), this.store.delete(lockKey(user))]);
  }

  /**
   * Whom a client address stands for: an IPv4 address itself; an IPv6 client by its network
   * (limits.ipv6PrefixLength, a /64 by default), since one host commonly holds a whole /64;
   * an IPv4 address written as IPv6 (::ffff:192.0.2.1) as that IPv4 address.
   */
  clientKey(clientIp: string): string {
    if (!ipaddr.isValid(clientIp)) return clientIp.slice(0, 64);
    const address = ipaddr.process(clientIp);
    if (address.kind() === 'ipv4') return address.toString();
    const bits = this.config.ipv6PrefixLength;
    const network = ipaddr.IPv6.networkAddressFromCIDR(`${address.toNormalizedString()}/${bits}`);
    return `${network.toString()}/${bits}`;
  }

  /** The lock's refusal, with the seconds it still lasts (a whole window for a counter full without its lock entry). */
  private lockedError(count: number, until: number | undefined): FactorgateError {
    const lockedForSeconds = Math.max(1, Math.ceil(((until ?? this.now() + this.windowMs) - this.now()) / 1000));
    return new FactorgateError('rate_limited', 'user has too many recent wrong answers', { limit: 'wrong-user', count, lockedForSeconds });
  }

  private async count(rule: Rule, subject: string, max: number): Promise<void> {
    const count = await this.store.increment(key(rule, subject), this.windowMs);
    if (count > max) throw limited(rule, `limit ${rule} reached`, count);
  }
}

const key = (rule: Rule, subject: string) => `limit:${rule}:${subject}`;

function limited(rule: Rule, detail: string, count: number): FactorgateError {
  return new FactorgateError('rate_limited', detail, { limit: rule, count });
}
