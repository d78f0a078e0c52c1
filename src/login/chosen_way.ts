import { FactorgateError } from '../errors.js';
import { evaluateRule, succeededFactors, switchToPolicy, type Act, type EngineState, type EngineStep } from '../flows/index.js';
import type { Challenge, FailReason } from '../providers/provider.js';
import type { Login } from './login.js';
import type { LoginRecord } from './record.js';
import type { Run } from './run.js';
import type { Notice } from './views.js';

// A way the user chose under "Other options" runs alone. If it cannot start (no destination for a
// passcode, no push device, the two-factor server down, the user's pushes for the window spent),
// the engine would go on to the factor's later policies, ones the user was never offered among
// them: here the run stops at the chosen one instead, and the login goes back to the step the user
// was on (another.ts says so). A NO_AUTHN way's next factor is part of the way: the same holds there.

/**
 * Why a chosen way could not start: the provider's reason, its server not answering, its rule no
 * longer holding, or (rate_limited) the user's pushes for the window spent.
 */
export type Unavailable = FailReason | 'tfa_unavailable' | 'rule_false' | 'rate_limited';

export type ChosenWay = { kind: 'started'; step: EngineStep<Challenge> } | { kind: 'unavailable'; reason: Unavailable };

/**
 * A start refused for what the user has, or has not, set up: that way is out of reach for now.
 * Any other refusal (a wrong password or PIN checked first, a lock, the server refusing the user)
 * ends the login as before; push_refused is counted as a guess by the push action either way.
 */
const UNAVAILABLE: ReadonlySet<FailReason> = new Set<FailReason>(['method_unavailable', 'delivery_failed', 'no_push_device', 'push_refused', 'no_otp_device', 'no_passkey']);

/** Thrown through the engine to stop it at the chosen policy; the engine's states are plain data, so nothing is half-kept. */
class StopAtChosen extends Error {
  constructor(readonly reason: Unavailable) {
    super(`chosen way unavailable: ${reason}`);
  }
}

/**
 * Runs policy `index` of the open factor, which the user chose, and nothing else of that factor.
 * When it cannot start, the record's provider fields are as they were (the open challenge's), and
 * nothing the run counted (a push within the user's window, a guess) is undone.
 */
export async function runChosenWay(login: Login, record: LoginRecord, run: Run, state: EngineState, index: number): Promise<ChosenWay> {
  const { flow } = login.deps;
  const chosen = flow.factors.get(state.factor)?.policies[index];
  // Tested here as the engine will test it: a rule that no longer holds would have it pass on.
  if (chosen && !evaluateRule(chosen.rule, { ...run.facts(), succeeded: succeededFactors(state) })) return { kind: 'unavailable', reason: 'rule_false' };
  const kept = { provider: record.provider, providerState: record.providerState, path: record.path, lastFailure: record.lastFailure };
  record.lastFailure = undefined;
  // A NO_AUTHN way leads on to its next factor, which runs as the flow says.
  let reached = chosen?.action === 'NO_AUTHN';
  const act: Act<Challenge> = async (action, at) => {
    if (at.factor === state.factor) {
      if (at.index !== index) throw new StopAtChosen('rule_false');
      reached = true;
      const result = await startOrStop(() => run.act(action, at));
      if (result === 'fail') throw refusal(login, record);
      return result;
    }
    // Another factor before the chosen policy ran: the engine passed it over for a NO_AUTHN after it.
    if (!reached) throw new StopAtChosen('rule_false');
    // The factor a chosen NO_AUTHN leads into is part of the way chosen: its push past the user's
    // limit, or its server not answering, leaves the user's step standing as the chosen policy's would.
    return startOrStop(() => run.act(action, at));
  };
  try {
    return { kind: 'started', step: await switchToPolicy(flow, state, index, run.facts, act) };
  } catch (err) {
    if (!(err instanceof StopAtChosen)) throw err;
    Object.assign(record, kept);
    return { kind: 'unavailable', reason: err.reason };
  }
}

/**
 * The two-factor server not answering, or no push left in the user's window, is the chosen way
 * unavailable; any other trouble is thrown on (it ends the login), a lock on wrong answers among it.
 */
async function startOrStop<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    if (err instanceof FactorgateError && err.code === 'tfa_unavailable') throw new StopAtChosen('tfa_unavailable');
    if (pushesSpent(err)) throw new StopAtChosen('rate_limited');
    throw err;
  }
}

/** The push limit refused the push (nothing was sent): the limit that guards guesses is another one and ends the login. */
export const pushesSpent = (err: unknown): boolean => err instanceof FactorgateError && err.code === 'rate_limited' && err.extra.limit === 'pushes-user';

/** What the open step says when a push was refused for the user's spent pushes: paused, at most for the limits' window. */
export const pushesPausedNotice = (limits: { windowSeconds: number }): Notice => ({ code: 'pushes_paused', pauseSeconds: limits.windowSeconds });

/** The chosen action failed: unavailable for a reason in UNAVAILABLE, else the login ends with the reason, as when no policy wins. */
function refusal(login: Login, record: LoginRecord): Error {
  const reason = record.lastFailure;
  if (reason && reason !== 'first_factor' && UNAVAILABLE.has(reason)) return new StopAtChosen(reason);
  return login.outcomes.noWinner(record);
}
