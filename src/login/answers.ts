import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext, ProviderState, SecondFactorProvider } from '../providers/provider.js';
import type { Limits } from '../security/limits.js';
import type { LoginRecord } from './record.js';
import type { Notice } from './views.js';

type Deps = { config: Config; limits: Limits; logger: Logger };

const isWrong = (outcome: FactorOutcome) => outcome.outcome === 'fail' && outcome.reason === 'passcode_invalid';

/** The user's answer, checked by its provider as one guess against the user's limit across logins (taken before the check). */
export function checkAnswer(deps: Pick<Deps, 'limits'>, provider: SecondFactorProvider, ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
  return deps.limits.guess(ctx.username, () => provider.answer(ctx, state, answer), isWrong);
}

/**
 * A wrong passcode or code counts toward this login's attempts (the user's limit across logins
 * was spent by checkAnswer). Returns the notice to ask again with, or undefined when the answer
 * was not wrong or no attempt is left.
 */
export function countWrongAnswer(deps: Deps, record: LoginRecord, outcome: FactorOutcome, fromApp = false): Notice | undefined {
  if (outcome.outcome !== 'fail' || outcome.reason !== 'passcode_invalid') return undefined;
  const { config, logger } = deps;
  record.wrongAnswers += 1;
  logger.info({ event: 'passcode_invalid', user: record.username, clientIp: record.clientIp, wrongAnswers: record.wrongAnswers }, 'wrong passcode');
  const ours = config.login.maxPasscodeAttempts - record.wrongAnswers;
  const attemptsRemaining = Math.min(ours, outcome.attemptsRemaining ?? ours);
  if (!outcome.canRetry || attemptsRemaining <= 0) return undefined;
  // An app's code is a "code", never a "passcode" (src/http/words.ts); a reused one is said so.
  const code = outcome.reused ? 'code_reused' : fromApp ? 'code_invalid' : 'passcode_invalid';
  return { code, attemptsRemaining };
}
