import { createHash } from 'node:crypto';
import { compileRule, type Rule } from './rules.js';
import type { ActionName, FlowsConfig, LoginSchema } from './schema.js';

// A checked flow, ready for the engine: rules parsed, factors in a Map. Only check.ts's
// checkFlows builds one, after every start-up check has passed.

export type CompiledPolicy = {
  readonly factor: string;
  readonly index: number;
  readonly rule: Rule;
  readonly action: ActionName;
  readonly next?: string;
  readonly allowNoSecondFactor: boolean;
  /** PUSH: a code typed by hand is accepted too. */
  readonly allowCode: boolean;
};

export type CompiledFactor = {
  readonly name: string;
  /** Present: the factor asks the user first. Absent: a passthrough factor. */
  readonly loginSchema?: LoginSchema;
  readonly policies: readonly CompiledPolicy[];
};

export type CompiledFlow = {
  readonly entry: string;
  readonly requireSecondFactor: boolean;
  readonly timeZone: string;
  readonly factors: ReadonlyMap<string, CompiledFactor>;
  /** Names this configuration of the flow: a login begun under another one fails closed on resume. */
  readonly fingerprint: string;
};

/** Builds the engine's flow from a configuration that passed the checks; throws if it did not. */
export function compileChecked(config: FlowsConfig): CompiledFlow {
  const names = Object.keys(config.factors);
  const factors = new Map<string, CompiledFactor>();
  for (const name of names) {
    const factor = config.factors[name]!;
    const policies = factor.policies.map((policy, index): CompiledPolicy => {
      const compiled = compileRule(policy.rule, { factors: names, timeZone: config.timeZone });
      if (!compiled.ok) throw new Error(`flow not checked: factors.${name}.policies[${index}].rule does not parse`);
      return { factor: name, index, rule: compiled.rule, action: policy.action, next: policy.next, allowNoSecondFactor: policy.allowNoSecondFactor, allowCode: policy.allowCode };
    });
    factors.set(name, { name, loginSchema: factor.loginSchema, policies });
  }
  if (!factors.has(config.entry)) throw new Error('flow not checked: unknown entry factor');
  const fingerprint = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);
  return { entry: config.entry, requireSecondFactor: config.requireSecondFactor, timeZone: config.timeZone, factors, fingerprint };
}
