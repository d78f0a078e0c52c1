import type { Config } from '../../config/schema.js';
import { FactorgateError } from '../../errors.js';
import type { RateLimiter } from '../../security/rate_limiter.js';

/** Login starts per user and per client address, and a user still banned for wrong answers. */
export async function checkStartLimits(limiter: RateLimiter, limits: Config['limits'], username: string, clientIp: string): Promise<void> {
  const user = username.toLowerCase();
  await limiter.hit([
    { name: 'starts-user', max: limits.loginStartsPerUser, subject: user },
    { name: 'starts-client', max: limits.loginStartsPerClient, subject: clientIp },
  ]);
  if (await limiter.exceeded({ name: 'wrong-user', max: limits.wrongAnswersPerUser }, user)) {
    throw new FactorgateError('rate_limited', 'user has too many recent wrong passcodes', { limit: 'wrong-user' });
  }
}

/** A first factor refused by the directory counts like a wrong passcode: guessing passwords here is bounded too. */
export async function countFirstFactorFailure(limiter: RateLimiter, limits: Config['limits'], username: string): Promise<void> {
  await limiter.hit([{ name: 'wrong-user', max: limits.wrongAnswersPerUser, subject: username.toLowerCase() }]);
}
