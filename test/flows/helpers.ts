import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkFlows, type Act, type ActAt, type ActResult, type CompiledFlow, type RuleFacts } from '../../src/flows/index.js';
import type { ActionName } from '../../src/flows/schema.js';

/** The `flows` section of a fixture in fixtures/flows/. */
export function fixture(name: string): unknown {
  const text = readFileSync(new URL(`../../fixtures/flows/${name}.yaml`, import.meta.url), 'utf8');
  return (parseYaml(text) as { flows: unknown }).flows;
}

/** A checked flow, or the test fails with the problems. */
export function flowOf(input: unknown): CompiledFlow {
  const checked = checkFlows(input);
  if (!checked.ok) throw new Error(`flow refused:\n${checked.problems.join('\n')}`);
  return checked.flow;
}

/** Problems of a flow that must be refused. */
export function problemsOf(input: unknown): string[] {
  const checked = checkFlows(input);
  if (checked.ok) throw new Error('flow was accepted');
  return checked.problems;
}

/** A flow from a compact description: { factorName: [[rule, action, next?], ...] }, entry first. */
export function flowFrom(factors: Record<string, Array<[string, string, string?]>>, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    entry: Object.keys(factors)[0],
    factors: Object.fromEntries(Object.entries(factors).map(([name, policies]) => [name, {
      policies: policies.map(([rule, action, next]) => (next === undefined ? { rule, action } : { rule, action, next })),
    }])),
    ...extra,
  };
}

export const MONDAY_10_UTC = Date.UTC(2024, 0, 1, 10, 0);

export function facts(overrides: Partial<RuleFacts> = {}): RuleFacts {
  return {
    client: { ip: '203.0.113.7' }, user: { name: 'alice' }, headers: {}, now: MONDAY_10_UTC,
    device: { presented: false, accepted: false }, ...overrides,
  };
}

export type Call = { action: ActionName; at: ActAt };

/**
 * A fake act: answers from a script per action (first call, second call, ...; the last answer
 * repeats), and records every call.
 */
export function scriptedAct<C = string>(script: Partial<Record<ActionName, Array<ActResult<C>>>>): Act<C> & { calls: Call[] } {
  const calls: Call[] = [];
  const counts = new Map<ActionName, number>();
  const act = async (action: ActionName, at: ActAt): Promise<ActResult<C>> => {
    calls.push({ action, at });
    const answers = script[action];
    if (!answers?.length) throw new Error(`act called for ${action}, which the script does not expect`);
    const n = counts.get(action) ?? 0;
    counts.set(action, n + 1);
    return answers[Math.min(n, answers.length - 1)]!;
  };
  return Object.assign(act, { calls });
}
