import { checkFlows } from './check.js';
import { compileChecked, type CompiledFlow } from './compile.js';
import type { FlowsConfig, FlowsConfigInput } from './schema.js';

// The flow factorgate runs when the configuration has no `flows` section: the login as the core
// built it, drawn as a flow so that `factorgate flows check` shows it and the engine runs it.
// The password (an LDAP bind when ldap is on, else the gateway's own check at the replay), then
// the second factor the `providers` policies choose. With Anakam alone it is exactly
// fixtures/flows/default.yaml.

type ProviderName = 'anakam' | 'push' | 'push_with_code' | 'totp';

export type DefaultFlowInput = {
  ldap: boolean;
  /** The `providers` section: its default and its policies are the providers a login can use. */
  providers: { default: ProviderName; policies: ReadonlyArray<{ use: ProviderName }> };
};

type Policy = FlowsConfigInput['factors'][string]['policies'][number];

export function defaultFlow(input: DefaultFlowInput): FlowsConfigInput {
  const used = new Set([input.providers.default, ...input.providers.policies.map((p) => p.use)]);
  // One provider: its policies need no condition. Several: each branches on providers.choice,
  // so a failing one ends the login as before instead of falling through to another provider.
  const when = (name: string, rule?: string) => {
    const choice = used.size > 1 ? `providers.choice == '${name}'` : undefined;
    return [choice, rule].filter(Boolean).join(' and ') || 'true';
  };
  const second: Policy[] = [];
  if (used.has('anakam')) {
    second.push({ rule: when('anakam', 'device.accepted'), action: 'ANAKAM_DEVICE' });
    second.push({ rule: when('anakam'), action: 'ANAKAM_PASSCODE' });
  }
  if (used.has('push')) second.push({ rule: when('push'), action: 'PUSH' });
  if (used.has('push_with_code')) second.push({ rule: when('push_with_code'), action: 'PUSH', allowCode: true });
  if (used.has('totp')) second.push({ rule: when('totp'), action: 'OTP_CODE' });
  return {
    requireSecondFactor: true,
    entry: 'password',
    factors: {
      password: { policies: [{ rule: 'true', action: input.ldap ? 'LDAP_BIND' : 'GATEWAY_PASSWORD', next: 'second' }] },
      second: { policies: second },
    },
  };
}

/** What loginFlowOf reads of the configuration. */
export type FlowSettings = { flows?: FlowsConfig; ldap: { enabled: boolean }; providers: DefaultFlowInput['providers'] };

/** The flow a login runs: the configured one (checked when the configuration loaded), or the default. */
export function loginFlowOf(config: FlowSettings): CompiledFlow {
  if (config.flows) return compileChecked(config.flows);
  const checked = checkFlows(defaultFlow({ ldap: config.ldap.enabled, providers: config.providers }));
  if (!checked.ok) throw new Error(`the default flow does not check: ${checked.problems.join('; ')}`);
  return checked.flow;
}
