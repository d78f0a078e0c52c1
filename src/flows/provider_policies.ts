import { compileRule, evaluateRule, type Rule, type RuleFacts } from './rules.js';

// The providers section's policies are sugar for rules of the flow language: a policy's user
// name globs, realms and client subnets become one rule (`user.name matches [...] and user.realm
// == '...' and client.ip in [...]`), so one glob and one address matcher decide everywhere. The
// first rule that holds names the login's provider (the rule variable providers.choice); else the
// default does.

/** One rule of the provider policy: every criterion given must hold (any entry of a list may match). */
export type ProviderPolicy = { users?: readonly string[]; realms?: readonly string[]; subnets?: readonly string[]; use: string };

/** A string of the rule language: quoted, with its escapes. */
const quoted = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll('\'', '\\\'')}'`;
const list = (items: readonly string[]) => `[${items.map(quoted).join(', ')}]`;

/** A policy as the rule it stands for. Realms are compared as the user names module keeps them: lower case. */
export function policyRule(policy: ProviderPolicy): string {
  const tests = [
    policy.users && `user.name matches ${list(policy.users)}`,
    policy.realms && `(${policy.realms.map((realm) => `user.realm == ${quoted(realm.toLowerCase())}`).join(' or ')})`,
    policy.subnets && `client.ip in ${list(policy.subnets)}`,
  ].filter((test): test is string => Boolean(test));
  return tests.length ? tests.join(' and ') : 'true';
}

/** Compiles every policy (a bad glob or subnet stops the start, naming the policy) and gives the chooser. */
export function providerChoice(policies: readonly ProviderPolicy[], defaultName: string): (facts: RuleFacts) => string {
  const rules: Array<{ rule: Rule; use: string }> = policies.map((policy, index) => {
    const compiled = compileRule(policyRule(policy));
    if (!compiled.ok) throw new Error(`providers.policies.${index}: ${compiled.error.message}`);
    return { rule: compiled.rule, use: policy.use };
  });
  return (facts) => rules.find(({ rule }) => evaluateRule(rule, { ...facts, succeeded: [] }))?.use ?? defaultName;
}
