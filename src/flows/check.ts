import type { core } from 'zod';
import { compileChecked, type CompiledFlow } from './compile.js';
import { cycles, enumeratePaths, MAX_PATHS, pathLabel, reachable, type Graph, type GraphFactor, type GraphPolicy } from './graph.js';
import { compileRule, describeRuleError } from './rules.js';
import { factorName, flowsSchema, isAction, isTimeZone, MAX_RULE_LENGTH, SECOND_FACTOR_ACTIONS, type ActionName } from './schema.js';

// The start-up checks of a flow, all reported at once with dotted paths. The graph
// checks run even when the shape has problems (an unknown action, a bad field), on whatever
// parts are well formed, so one run of `flows check` shows everything.

export type FlowProblem = { path: ReadonlyArray<PropertyKey>; message: string };

type Policy = GraphPolicy & { rule?: string; allowNoSecondFactor: boolean; /** action known, next well typed */ sound: boolean };
type Factor = GraphFactor<Policy> & { interactive: boolean };
type Shape = { entry?: string; requireSecondFactor: boolean; timeZone: string; factors: Map<string, Factor> };

const own = (value: unknown, key: string): unknown =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;

/** What can be read of a flow that may be partly malformed; undefined when not even the factors can. */
function shapeOf(value: unknown): Shape | undefined {
  const rawFactors = own(value, 'factors');
  if (typeof rawFactors !== 'object' || rawFactors === null || Array.isArray(rawFactors)) return undefined;
  const factors = new Map<string, Factor>();
  for (const [name, raw] of Object.entries(rawFactors)) {
    const rawPolicies = own(raw, 'policies');
    const policies = (Array.isArray(rawPolicies) ? rawPolicies : []).map((p: unknown, index): Policy => {
      const [rule, action, next] = [own(p, 'rule'), own(p, 'action'), own(p, 'next')];
      // A next the schema refuses (not a name) is its problem alone; the policy is left out of path checks.
      const sound = isAction(action) && (next === undefined || isName(next));
      return {
        factor: name, index, action: typeof action === 'string' ? action : '?', sound,
        rule: ruleOf(rule),
        next: isName(next) ? next : undefined,
        allowNoSecondFactor: own(p, 'allowNoSecondFactor') === true,
      };
    });
    factors.set(name, { name, interactive: own(raw, 'loginSchema') !== undefined, policies });
  }
  const [entry, require, zone] = [own(value, 'entry'), own(value, 'requireSecondFactor'), own(value, 'timeZone')];
  return { entry: isName(entry) ? entry : undefined, requireSecondFactor: require !== false, timeZone: typeof zone === 'string' ? zone : 'UTC', factors };
}

const isName = (value: unknown): value is string => factorName.safeParse(value).success;

/** The rule to parse; undefined when the schema already refuses it (not text, empty, too long). */
function ruleOf(rule: unknown): string | undefined {
  if (typeof rule === 'boolean') return String(rule);
  return typeof rule === 'string' && rule !== '' && rule.length <= MAX_RULE_LENGTH ? rule : undefined;
}

type Add = (path: PropertyKey[], message: string) => void;

/** Every problem of the flow's graph: unknown factors, rules, cycles, unreachable factors, paths without a second factor. */
export function flowProblems(value: unknown): FlowProblem[] {
  const shape = shapeOf(value);
  if (!shape) return [];
  const problems: FlowProblem[] = [];
  const add: Add = (path, message) => problems.push({ path, message });
  const entry = shape.entry !== undefined && shape.factors.has(shape.entry) ? shape.entry : undefined;
  if (shape.entry !== undefined && !entry) add(['entry'], `unknown factor "${shape.entry}"`);
  if (entry && shape.factors.get(entry)!.interactive) {
    add(['factors', entry, 'loginSchema'], 'the entry factor runs on the gateway\'s login form and cannot have a login schema; ask in a factor after it');
  }
  policyProblems(shape, add);
  const graph = { entry: entry ?? '', factors: shape.factors };
  for (const { policy, cycle } of cycles(graph)) {
    add(['factors', policy.factor, 'policies', policy.index, 'next'], `"${policy.next}" closes a cycle: ${cycle.join(' → ')}`);
  }
  if (!entry) return problems; // reachability and paths mean nothing without an entry
  const seen = reachable(graph);
  for (const name of shape.factors.keys()) if (!seen.has(name)) add(['factors', name], `unreachable from the entry factor "${entry}"`);
  pathProblems(shape, graph, add);
  return problems;
}

/** Each policy on its own: its rule, its next factor, and whether an earlier policy always wins. */
function policyProblems(shape: Shape, add: Add): void {
  const names = [...shape.factors.keys()];
  const timeZone = isTimeZone(shape.timeZone) ? shape.timeZone : 'UTC'; // a bad zone is the schema's problem
  for (const factor of shape.factors.values()) {
    const always = factor.policies.find((p) => p.action === 'NO_AUTHN' && isLiteralTrue(p.rule));
    for (const policy of factor.policies) {
      const at = ['factors', factor.name, 'policies', policy.index];
      const rule = policy.rule === undefined ? undefined : compileRule(policy.rule, { factors: names, timeZone });
      if (rule && !rule.ok) add([...at, 'rule'], describeRuleError(rule.error));
      if (policy.next !== undefined && !shape.factors.has(policy.next)) add([...at, 'next'], `unknown factor "${policy.next}"`);
      if (always && always.index < policy.index) add(at, `never tried: policy ${always.index} before it has rule true and action NO_AUTHN, so it always wins`);
    }
  }
}

/** Too many paths to review; paths to done without a second factor, unless marked as intended. */
function pathProblems(shape: Shape, graph: Graph<Policy>, add: Add): void {
  const { paths, complete } = enumeratePaths(graph, MAX_PATHS);
  if (!complete) add(['factors'], `too many paths from the entry factor to review (at most ${MAX_PATHS}): simplify the flow`);
  if (!shape.requireSecondFactor) return;
  for (const path of paths) {
    // A path through an unsound policy (unknown action, bad next) is left to that policy's problem.
    if (path.some((p) => !p.sound || SECOND_FACTOR_ACTIONS.has(p.action as ActionName) || p.allowNoSecondFactor)) continue;
    const last = path[path.length - 1]!;
    add(['factors', last.factor, 'policies', last.index],
      `reaches done without a second factor: ${pathLabel(graph, path)} (add ${[...SECOND_FACTOR_ACTIONS].join(', ')} on this path, or set allowNoSecondFactor: true on one of its policies if that is intended)`);
  }
}

function isLiteralTrue(rule: string | undefined): boolean {
  const compiled = rule === undefined ? undefined : compileRule(rule);
  return !!compiled?.ok && compiled.rule.root.kind === 'literal' && compiled.rule.root.value === true;
}

/**
 * The `flows` section with every start-up check: what config/schema.ts should use. The graph
 * checks run whatever the shape's own problems (`when`), so all are reported in one go.
 */
export const checkedFlowsSchema = flowsSchema.superRefine((flows, ctx) => {
  for (const problem of flowProblems(flows)) ctx.addIssue({ code: 'custom', path: [...problem.path], message: problem.message });
}, { when: () => true });

/** `flows.factors.admins.policies[1].next`. */
export function formatPath(path: ReadonlyArray<PropertyKey>, root = 'flows'): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : `${out}.${String(key)}`), root);
}

function messageOf(issue: core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) return 'required';
  // A record key that is not a factor name: say why, not just "Invalid key in record".
  if (issue.code === 'invalid_key') return issue.issues[0]?.message ?? issue.message;
  return issue.message;
}

export type FlowCheck = { ok: true; flow: CompiledFlow } | { ok: false; problems: string[] };

/** Checks a `flows` section (raw YAML, or an already parsed one) and builds the engine's flow. */
export function checkFlows(input: unknown, root = 'flows'): FlowCheck {
  const parsed = checkedFlowsSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => `${formatPath(issue.path, root)}: ${messageOf(issue)}`) };
  return { ok: true, flow: compileChecked(parsed.data) };
}
