import { evaluateRule, succeededFactors, type ActionName, type CompiledFlow, type CompiledPolicy, type RuleFacts } from '../flows/index.js';
import type { LoginDeps } from './deps.js';
import type { LoginRecord } from './record.js';
import { wayLabel, type Way } from './ways.js';

// Which of the flow's other ways a user is offered when a challenge opens ("Other options"): the
// later policies of its factor whose rule holds now and whose action this user can use. Decided
// once per challenge and kept with it in the record (record.open.ways): showing the page again,
// a wrong answer or a resend asks nothing more, and POST /mfa/another takes only a way kept there.

/** Whether this user can use an action, asked at most once per action and decision. */
export type CanUse = (action: Exclude<ActionName, 'NO_AUTHN'>) => Promise<boolean>;

/**
 * What the stores know of the user, asked only for an action a candidate way needs. Whether the
 * user has an app or a passkey is not told before the password is known to be right (the same
 * rule as the providers' own start): until then both are offered, as the open step would be.
 * A push, and a passcode from the two-factor server, are offered to all: whether LinOTP would
 * push to the user is told only by pushing, and the server names the user's destinations only in
 * the GET_PARAMS reply that sends the passcode, so neither is knowable without sending.
 */
export function canUse(deps: Pick<LoginDeps, 'config' | 'providers'>, record: Readonly<LoginRecord>, scriptRuns: boolean): CanUse {
  const { config, providers } = deps;
  const known = new Map<string, Promise<boolean>>();
  const ask = (action: Exclude<ActionName, 'NO_AUTHN'>): Promise<boolean> => {
    switch (action) {
      case 'OTP_CODE':
        if (!providers.has('totp')) return Promise.resolve(false);
        // With enrol, a user without an app registers one in this step: the way is open to all.
        if (!record.passwordChecked || config.otp.withoutDevice === 'enrol') return Promise.resolve(true);
        return providers.totp().hasDevice(record.username);
      case 'WEBAUTHN':
        // A passkey is asked for by the script alone: a page without it could not use one.
        if (!scriptRuns || !providers.has('webauthn')) return Promise.resolve(false);
        if (!record.passwordChecked) return Promise.resolve(true);
        return providers.webauthn().hasPasskey(record.username);
      default:
        return Promise.resolve(true);
    }
  };
  return (action) => {
    let answer = known.get(action);
    if (!answer) {
      answer = ask(action);
      known.set(action, answer);
    }
    return answer;
  };
}

/**
 * The ways to offer with the challenge the engine has just opened; undefined when there is none
 * (then "Other options" lists no way of the flow). A store is asked only when a later policy whose
 * rule holds needs it, so a user with no other way costs no lookup.
 */
export async function offerWays(flow: CompiledFlow, record: Readonly<LoginRecord>, facts: RuleFacts, can: CanUse): Promise<Way[] | undefined> {
  const state = record.flow;
  if (!state || state.waiting !== 'challenge') return undefined;
  const later = flow.factors.get(state.factor)?.policies.slice(state.policy + 1) ?? [];
  const context = { ...facts, succeeded: succeededFactors(state) };
  const ways: Way[] = [];
  for (const policy of later) {
    if (evaluateRule(policy.rule, context) && (await usable(flow, policy, can))) ways.push({ policy: policy.index, label: wayLabel(flow, state.factor, policy.index) });
  }
  return ways.length ? ways : undefined;
}

/**
 * A policy's action, or for NO_AUTHN leading on what its next factor asks: usable when one of
 * that factor's policies is (their rules are tested when it runs).
 */
async function usable(flow: CompiledFlow, policy: CompiledPolicy, can: CanUse): Promise<boolean> {
  if (policy.action !== 'NO_AUTHN') return can(policy.action);
  const next = policy.next === undefined ? undefined : flow.factors.get(policy.next);
  if (!next) return true;
  for (const each of next.policies) {
    if (each.action === 'NO_AUTHN' || (await can(each.action))) return true;
  }
  return false;
}
