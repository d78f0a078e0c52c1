import type { Config } from '../../config/schema.js';
import type { Logger } from '../../log.js';
import type { FactorOutcome } from '../../providers/provider.js';
import type { RateLimiter } from '../../security/rate_limiter.js';
import type { LoginRecord } from '../login_record.js';
import type { Notice } from '../outcomes.js';

type Deps = { config: Config; limiter: RateLimiter; logger: Logger };

/**
 * A wrong passcode or code counts toward this login's attempts and the user's limit across logins.
 * Returns the notice to ask again with, or undefined when the answer was not wrong or no attempt is left.
 */
export async function countWrongAnswer(deps: Deps, record: LoginRecord, outcome: FactorOutcome): Promise<Notice | undefined> {
  if (outcome.outcome !== 'fail' || outcome.reason !== 'passcode_invalid') return undefined;
  const { config, limiter, logger } = deps;
  record.wrongAnswers += 1;
  logger.info({ event: 'passcode_invalid', user: record.username, clientIp: record.clientIp, wrongAnswers: record.wrongAnswers }, 'wrong passcode');
  await limiter.hit([{ name: 'wrong-user', max: config.limits.wrongAnswersPerUser, subject: record.username.toLowerCase() }]);
  const ours = config.login.maxPasscodeAttempts - record.wrongAnswers;
  const attemptsRemaining = Math.min(ours, outcome.attemptsRemaining ?? ours);
  return outcome.canRetry && attemptsRemaining > 0 ? { code: 'passcode_invalid', attemptsRemaining } : undefined;
}
