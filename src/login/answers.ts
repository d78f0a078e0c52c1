import type { Config } from '../config/schema.js';
import type { Logger } from '../log.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext, ProviderState, SecondFactorProvider } from '../providers/provider.js';
import type { Limits } from '../security/limits.js';
import type { LoginRecord } from './record.js';
import type { AfterLastAttempt } from '../http/words.js';
import type { Notice } from './views.js';

type Deps = { config: Config; limits: Limits; logger: Logger };

const isWrong = (outcome: FactorOutcome) => outcome.outcome === 'fail' && outcome.reason === 'passcode_invalid';

/** The user's answer, checked by its provider as one guess against the user's limit across logins (taken before the check). */
export async function checkAnswer(deps: Pick<Deps, 'limits'>, provider: SecondFactorProvider, ctx: LoginContext, state: ProviderState, answer: ChallengeAnswer): Promise<FactorOutcome> {
  const outcome = await deps.limits.guess(ctx.username, () => provider.answer(ctx, state, answer), isWrong);
  if (outcome.outcome === 'fail' && (outcome.reason === 'locked' || outcome.attemptsRemaining === 0)) {
    // The two-factor server locked the user (or says no attempt is left): factorgate locks them too, so the user is told one
    // lock and how long it lasts, here and at their next sign-in (not "the passcode could not be sent").
    await deps.limits.lock(ctx.username);
    await deps.limits.refuseIfLocked(ctx.username);
  }
  return outcome;
}

/**
 * A wrong passcode or code counts toward this login's attempts (the user's limit across logins
 * was spent by checkAnswer). Returns the notice to ask again with, saying how many attempts are
 * left and what the last one leads to; undefined when the answer was not wrong or no attempt of
 * the login is left. A user who has just spent their last wrong answer is refused as locked.
 */
export async function countWrongAnswer(deps: Deps, record: LoginRecord, outcome: FactorOutcome, fromApp = false): Promise<Notice | undefined> {
  if (outcome.outcome !== 'fail' || outcome.reason !== 'passcode_invalid') return undefined;
  const { config, logger, limits } = deps;
  record.wrongAnswers += 1;
  logger.info({ event: 'passcode_invalid', user: record.username, clientIp: record.clientIp, wrongAnswers: record.wrongAnswers }, 'wrong passcode');
  const userLeft = await limits.wrongAnswersLeft(record.username);
  if (userLeft <= 0) await limits.refuseIfLocked(record.username);
  const ours = config.login.maxPasscodeAttempts - record.wrongAnswers;
  const server = outcome.attemptsRemaining ?? Infinity;
  const attemptsRemaining = Math.min(ours, server, userLeft);
  if (!outcome.canRetry || attemptsRemaining <= 0) return undefined;
  // An app's code is a "code", never a "passcode" (src/http/words.ts); a reused one is said so.
  const code = outcome.reused ? 'code_reused' : fromApp ? 'code_invalid' : 'passcode_invalid';
  return { code, attemptsRemaining, after: afterLastAttempt(attemptsRemaining, userLeft, server, config.limits.windowSeconds) };
}

/** What the nearest limit does when it is reached: a lock (ours, of known length, before the server's) or the end of this sign-in. */
function afterLastAttempt(left: number, userLeft: number, server: number, windowSeconds: number): AfterLastAttempt {
  // The server's lock also locks the user here for a window (checkAnswer), so its length is known too.
  return userLeft === left || server === left ? { then: 'lock', lockSeconds: windowSeconds } : { then: 'end' };
}
