import type { ActionName, CompiledFlow } from '../flows/index.js';
import { GLOSSARY } from '../http/words.js';
import type { LoginRecord } from './record.js';

// The ways the flow itself offers instead of the open challenge: later policies of its factor
// whose rules hold and that the user can use, decided when the challenge opens (offer_ways.ts) and
// kept with it. "Other options" lists each one by what the user would do; choosing one (POST
// /mfa/another with `way`) runs that policy alone, so nothing is sent before it is chosen.

/** A later policy of the open factor, by its index, in the words the user reads. */
export type Way = { policy: number; label: string };

const ACTION_WORDS: Partial<Record<ActionName, string>> = {
  PUSH: `Approve a notification on your ${GLOSSARY.device}`,
  OTP_CODE: `Enter a ${GLOSSARY.appCode}`,
  WEBAUTHN: 'Use a passkey or security key',
  ANAKAM_PASSCODE: `Get a ${GLOSSARY.passcode} by e-mail or text message`,
};

/** When a policy's action says nothing to the user (NO_AUTHN leading on): what its next factor asks. */
const GENERIC = 'Use another way to sign in';

export function wayLabel(flow: CompiledFlow, factor: string, index: number): string {
  const policy = flow.factors.get(factor)?.policies[index];
  if (!policy) return GENERIC;
  const own = ACTION_WORDS[policy.action];
  if (own) return own;
  if (policy.action !== 'NO_AUTHN' || policy.next === undefined) return GENERIC;
  const next = flow.factors.get(policy.next)?.policies.map((p) => ACTION_WORDS[p.action]).find((words) => words !== undefined);
  return next ?? GENERIC;
}

/**
 * The ways offered with the open challenge, as kept when it opened; undefined when none was, or
 * when the flow has changed since (the step is stale then, and resuming it fails closed).
 */
export function offeredWays(flow: CompiledFlow, record: Readonly<LoginRecord>): Way[] | undefined {
  const open = record.open?.kind === 'challenge' ? record.open : undefined;
  const state = record.flow;
  if (!open?.ways?.length || !state || state.flow !== flow.fingerprint) return undefined;
  return open.ways.map((policy) => ({ policy, label: wayLabel(flow, state.factor, policy) }));
}
