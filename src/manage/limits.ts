import { FactorgateError } from '../errors.js';
import { checkStartLimits, countFirstFactorFailure } from '../login/steps/check_start_limits.js';
import type { ManageDeps } from './deps.js';

// The portal spends the login's budgets, so it is no side door for guessing: a sign-in counts as a
// login start (per user and per client address), a wrong password and a wrong code count as wrong
// answers of the user, and a wrong code counts against the client address too.

type Deps = Pick<ManageDeps, 'limiter' | 'limits'>;

export function countSignIn(deps: Deps, user: string, clientIp: string): Promise<void> {
  return checkStartLimits(deps.limiter, deps.limits, user, clientIp);
}

export function countWrongPassword(deps: Deps, user: string): Promise<void> {
  return countFirstFactorFailure(deps.limiter, deps.limits, user);
}

export async function countWrongCode(deps: Deps, user: string, clientIp: string): Promise<void> {
  await deps.limiter.hit([
    { name: 'wrong-user', max: deps.limits.wrongAnswersPerUser, subject: user.toLowerCase() },
    { name: 'starts-client', max: deps.limits.loginStartsPerClient, subject: clientIp },
  ]);
}

/** Before any code is checked: a user or address over its limit may not try more, right or wrong. */
export async function refuseIfLocked(deps: Deps, user: string, clientIp: string): Promise<void> {
  const { limiter, limits } = deps;
  if (await limiter.exceeded({ name: 'wrong-user', max: limits.wrongAnswersPerUser }, user.toLowerCase())) {
    throw new FactorgateError('rate_limited', 'user has too many recent wrong answers', { limit: 'wrong-user' });
  }
  if (await limiter.exceeded({ name: 'starts-client', max: limits.loginStartsPerClient }, clientIp)) {
    throw new FactorgateError('rate_limited', 'client address has too many recent attempts', { limit: 'starts-client' });
  }
}
