import type { CompiledFactor, CompiledFlow, CompiledPolicy } from './compile.js';
import { evaluateRule, type RuleContext, type RuleFacts } from './rules.js';
import type { ActionName, LoginSchema } from './schema.js';

// The flow at run time, apart from HTTP and providers. Inside a factor the first policy whose rule
// holds and whose action succeeds wins (nFactor's OR); its next factor follows, or done. Actions
// are the caller's `act`; NO_AUTHN is the engine's own (always success, no call). When the user
// must act (a factor's login schema, an action's challenge) the engine returns with a state the
// caller keeps in the login record and hands back to resumeFlow. States are plain data, never
// mutated: a step that throws leaves the caller's copy as it was.

/** One winning policy on the way through the flow. */
export type PathStep = { factor: string; index: number; action: ActionName };

/** A policy passed over in the current factor, for the failure's log line. */
export type Tried = { index: number; outcome: 'rule_false' | 'failed' };

export type EngineState = {
  /** CompiledFlow.fingerprint of the flow this login runs on: after a reload, resuming fails closed. */
  flow: string;
  /** The factor being run. */
  factor: string;
  /** Index of the policy being tried (0 until one is). */
  policy: number;
  /** What the user was asked: the factor's form, or the current policy's challenge. */
  waiting: 'input' | 'challenge' | 'none';
  /** The winning policy of each factor passed; its factors are the succeeded factors. */
  path: PathStep[];
  tried: Tried[];
};

export type ActResult<C> = 'success' | 'fail' | { challenge: C };

/** Where an action runs: `resumed` when the user has answered its challenge. */
export type ActAt = { factor: string; index: number; resumed: boolean };

/** Runs an authenticator. Expected refusals are 'fail'; infrastructure trouble is thrown (and ends the login). */
export type Act<C> = (action: Exclude<ActionName, 'NO_AUTHN'>, at: ActAt) => Promise<ActResult<C>>;

export type EngineStep<C> =
  | { kind: 'ask'; state: EngineState; factor: string; loginSchema: LoginSchema }
  | { kind: 'challenge'; state: EngineState; factor: string; index: number; action: ActionName; challenge: C }
  | { kind: 'done'; state: EngineState; path: PathStep[] }
  | { kind: 'failed'; state: EngineState; reason: 'no_winner' | 'stale_state'; factor: string; tried: Tried[]; path: PathStep[] };

export type FactorResult<C> =
  | { kind: 'won'; policy: CompiledPolicy; tried: Tried[] }
  | { kind: 'challenge'; policy: CompiledPolicy; challenge: C; tried: Tried[] }
  | { kind: 'failed'; tried: Tried[] };

/** What rules see; a function when it can change as actions run (groups after LDAP_BIND). */
export type Facts = RuleFacts | (() => RuleFacts);

/**
 * One factor, from policy `from.index` on. A resumed policy is not re-tested: its rule held when
 * its challenge was issued.
 */
export async function runFactor<C>(
  factor: CompiledFactor, ctx: RuleContext | (() => RuleContext), act: Act<C>, from: { index: number; resumed: boolean; tried?: Tried[] } = { index: 0, resumed: false },
): Promise<FactorResult<C>> {
  const context = typeof ctx === 'function' ? ctx : () => ctx;
  const tried = [...(from.tried ?? [])];
  for (const policy of factor.policies.slice(from.index)) {
    const resumed = from.resumed && policy.index === from.index;
    if (!resumed && !evaluateRule(policy.rule, context())) {
      tried.push({ index: policy.index, outcome: 'rule_false' });
      continue;
    }
    const result = policy.action === 'NO_AUTHN' ? 'success' : outcomeOf<C>(await act(policy.action, { factor: factor.name, index: policy.index, resumed }));
    if (result === 'success') return { kind: 'won', policy, tried };
    if (result !== 'fail') return { kind: 'challenge', policy, challenge: result.challenge, tried };
    tried.push({ index: policy.index, outcome: 'failed' });
  }
  return { kind: 'failed', tried };
}

/** Begins a login at the entry factor. */
export async function startFlow<C>(flow: CompiledFlow, facts: Facts, act: Act<C>): Promise<EngineStep<C>> {
  return enter(flow, { flow: flow.fingerprint, factor: flow.entry, policy: 0, waiting: 'none', path: [], tried: [] }, facts, act);
}

/** Goes on after the user answered: the factor's form (the fields are in the caller's act and facts) or a challenge. */
export async function resumeFlow<C>(flow: CompiledFlow, state: EngineState, facts: Facts, act: Act<C>): Promise<EngineStep<C>> {
  switch (waitingFor(flow, state)) {
    case 'challenge':
      return drive(flow, state, facts, act, true);
    case 'input':
      return drive(flow, { ...state, policy: 0, waiting: 'none', tried: [] }, facts, act, false);
    default: {
      const known = isState(state);
      return { kind: 'failed', state, reason: 'stale_state', factor: known ? state.factor : '?', tried: [], path: known ? state.path : [] };
    }
  }
}

/**
 * Leaves the open challenge for a later policy of its factor that the user chose ("Other options"):
 * the open one counts as failed, those in between are passed over without running, and the chosen
 * one's rule is tested again. A state that waits for no challenge, or a policy that is not a later
 * one of this factor, fails closed without calling act.
 */
export async function switchToPolicy<C>(flow: CompiledFlow, state: EngineState, index: number, facts: Facts, act: Act<C>): Promise<EngineStep<C>> {
  const waitsForChallenge = waitingFor(flow, state) === 'challenge';
  if (!waitsForChallenge || !Number.isInteger(index) || index <= state.policy || index >= flow.factors.get(state.factor)!.policies.length) {
    const known = isState(state);
    return { kind: 'failed', state, reason: 'stale_state', factor: known ? state.factor : '?', tried: [], path: known ? state.path : [] };
  }
  const tried: Tried[] = [...state.tried, { index: state.policy, outcome: 'failed' }];
  return drive(flow, { ...state, policy: index, waiting: 'none', tried }, facts, act, false);
}

/** What the stored state waits for, if it fits this flow; a state from another flow (a reload) fits nothing. */
function waitingFor(flow: CompiledFlow, state: unknown): 'input' | 'challenge' | undefined {
  if (!isState(state) || state.flow !== flow.fingerprint) return undefined;
  const factor = flow.factors.get(state.factor);
  if (!factor) return undefined;
  const action = factor.policies[state.policy]?.action;
  if (state.waiting === 'challenge' && action !== undefined && action !== 'NO_AUTHN') return 'challenge';
  if (state.waiting === 'input' && factor.loginSchema) return 'input';
  return undefined;
}

/** The factors that have succeeded, in order. */
export const succeededFactors = (state: EngineState): string[] => state.path.map((step) => step.factor);

async function enter<C>(flow: CompiledFlow, state: EngineState, facts: Facts, act: Act<C>): Promise<EngineStep<C>> {
  const factor = flow.factors.get(state.factor)!;
  if (factor.loginSchema) return { kind: 'ask', state: { ...state, waiting: 'input' }, factor: factor.name, loginSchema: factor.loginSchema };
  return drive(flow, state, facts, act, false);
}

async function drive<C>(flow: CompiledFlow, start: EngineState, facts: Facts, act: Act<C>, resumed: boolean): Promise<EngineStep<C>> {
  const factor = flow.factors.get(start.factor)!;
  const context = (): RuleContext => ({ ...(typeof facts === 'function' ? facts() : facts), succeeded: succeededFactors(start) });
  const result = await runFactor(factor, context, act, { index: start.policy, resumed, tried: start.tried });
  switch (result.kind) {
    case 'challenge': {
      const { policy } = result;
      const state: EngineState = { ...start, policy: policy.index, waiting: 'challenge', tried: result.tried };
      return { kind: 'challenge', state, factor: factor.name, index: policy.index, action: policy.action, challenge: result.challenge };
    }
    case 'failed':
      return { kind: 'failed', state: { ...start, waiting: 'none', tried: result.tried }, reason: 'no_winner', factor: factor.name, tried: result.tried, path: start.path };
    case 'won': {
      const { policy } = result;
      const path = [...start.path, { factor: factor.name, index: policy.index, action: policy.action }];
      if (policy.next === undefined) return { kind: 'done', state: { ...start, policy: policy.index, waiting: 'none', path, tried: result.tried }, path };
      // Checked flows have no cycles, so this recursion is bounded by the number of factors.
      if (path.length > flow.factors.size) throw new Error('flow loops: it was not checked');
      return enter(flow, { flow: start.flow, factor: policy.next, policy: 0, waiting: 'none', path, tried: [] }, facts, act);
    }
  }
}

/** An act that answers anything but the three outcomes is a bug: never taken for success. */
function outcomeOf<C>(result: unknown): ActResult<C> {
  if (result === 'success' || result === 'fail') return result;
  if (typeof result === 'object' && result !== null && Object.hasOwn(result, 'challenge')) return result as { challenge: C };
  throw new TypeError(`act returned ${result === null ? 'null' : typeof result}: expected 'success', 'fail' or { challenge }`);
}

function isState(value: unknown): value is EngineState {
  const s = value as EngineState;
  return typeof value === 'object' && value !== null && typeof s.flow === 'string' && typeof s.factor === 'string'
    && Number.isInteger(s.policy) && s.policy >= 0 && Array.isArray(s.path) && Array.isArray(s.tried);
}
