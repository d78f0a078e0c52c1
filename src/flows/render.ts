import { checkFlows } from './check.js';
import type { CompiledFlow, CompiledPolicy } from './compile.js';
import { paths, stepLabel } from './graph.js';
import { SECOND_FACTOR_ACTIONS } from './schema.js';

// What `factorgate flows check` prints and `factorgate flows graph` writes. Output is
// deterministic (configuration order), so the docs can hold it and a test can compare it.

const isSecond = (policy: CompiledPolicy) => SECOND_FACTOR_ACTIONS.has(policy.action);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The problems, or every path through the flow with the rules that lead along it. `ok` is the exit status. */
export function flowsCheckReport(input: unknown): { ok: boolean; text: string } {
  const checked = checkFlows(input);
  if (!checked.ok) return { ok: false, text: [`flows: ${plural(checked.problems.length, 'problem')}`, ...checked.problems.map((p) => `  ${p}`)].join('\n') + '\n' };
  const { flow } = checked;
  const all = paths(flow);
  const lines = [
    `flows: OK: ${plural(flow.factors.size, 'factor')}, ${plural(all.length, 'path')} from the entry "${flow.entry}"; ` +
      (flow.requireSecondFactor ? 'a second factor is required (✓)' : 'a second factor is not required (✓ marks one)'),
    `  factors: ${[...flow.factors.values()].map((f) => `${f.name} (${f.loginSchema ? `asks: ${f.loginSchema.fields.map((x) => x.name).join(', ')}` : 'passthrough'})`).join(', ')}`,
    `  needs: ${sectionsNeeded(flow)}`,
  ];
  all.forEach((path, i) => {
    const steps = path.map((p) => `${stepLabel(flow, p.factor, p.index)}${isSecond(p) ? ' ✓' : ''}`);
    const allowed = !path.some(isSecond) ? '   (no second factor: allowed)' : '';
    lines.push(`  ${i + 1}. ${[...steps, 'done'].join(' → ')}${allowed}`);
    for (const p of path) if (p.rule.source.trim() !== 'true') lines.push(`       ${stepLabel(flow, p.factor, p.index)} if ${p.rule.source.trim()}`);
  });
  return { ok: true, text: lines.join('\n') + '\n' };
}

/** The configuration sections the flow's actions need: factorgate refuses to start without them. */
const NEEDS: ReadonlyArray<[string, readonly string[]]> = [
  ['ldap', ['LDAP_BIND']], ['anakam', ['ANAKAM_DEVICE', 'ANAKAM_PASSCODE']], ['linotp', ['PUSH']], ['otp', ['OTP_CODE']],
];

function sectionsNeeded(flow: CompiledFlow): string {
  const actions = new Set([...flow.factors.values()].flatMap((f) => f.policies.map((p) => p.action)));
  const needed = NEEDS.filter(([, uses]) => uses.some((a) => actions.has(a as never))).map(([section, uses]) => `${section} (${uses.filter((a) => actions.has(a as never)).join(', ')})`);
  return needed.length ? needed.join(', ') : 'nothing beyond the gateway';
}

type Format = 'mermaid' | 'dot';

const edgeLabel = (p: CompiledPolicy) => `[${p.index}] ${p.rule.source.trim()} → ${p.action}${isSecond(p) ? ' ✓' : ''}`;
const nodeLabel = (flow: CompiledFlow, name: string) => {
  const schema = flow.factors.get(name)!.loginSchema;
  return { name, note: schema ? `asks: ${schema.fields.map((f) => f.name).join(', ')}` : 'passthrough' };
};

/** The flow as a Mermaid flowchart or a Graphviz digraph, for the docs. */
export function flowGraph(flow: CompiledFlow, format: Format): string {
  return format === 'mermaid' ? mermaid(flow) : dot(flow);
}

// Mermaid: quoted labels with its entity codes for what would end or reformat them.
const mm = (text: string) => text.replace(/[#"<>|`]/g, (c) => `#${c.charCodeAt(0)};`);

function mermaid(flow: CompiledFlow): string {
  const ids = new Map([...flow.factors.keys()].map((name, i) => [name, `f${i}`]));
  const lines = ['flowchart TD', `  start(["start: the gateway's login page"]) --> ${ids.get(flow.entry)}`];
  for (const name of flow.factors.keys()) {
    const { note } = nodeLabel(flow, name);
    const label = `"${mm(name)}<br/>${mm(note)}"`;
    lines.push(`  ${ids.get(name)}${flow.factors.get(name)!.loginSchema ? `[/${label}/]` : `[${label}]`}`);
  }
  lines.push('  done(["done: replay to the gateway"])');
  for (const factor of flow.factors.values()) {
    for (const p of factor.policies) lines.push(`  ${ids.get(factor.name)} -->|"${mm(edgeLabel(p))}"| ${p.next === undefined ? 'done' : ids.get(p.next)}`);
  }
  return lines.join('\n') + '\n';
}

// DOT: every id and label a quoted string, with \ and " escaped and line breaks as \n.
const q = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\r?\n/g, '\\n')}"`;

function dot(flow: CompiledFlow): string {
  const id = (name: string) => q(`factor:${name}`);
  const lines = [
    'digraph flow {',
    '  rankdir=TB;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
    `  "start" [shape=oval, label=${q('start: the gateway\'s login page')}];`,
    `  "done" [shape=oval, label=${q('done: replay to the gateway')}];`,
    `  "start" -> ${id(flow.entry)};`,
  ];
  for (const name of flow.factors.keys()) {
    const { note } = nodeLabel(flow, name);
    lines.push(`  ${id(name)} [label=${q(`${name}\n${note}`)}${flow.factors.get(name)!.loginSchema ? ', shape=parallelogram' : ''}];`);
  }
  for (const factor of flow.factors.values()) {
    for (const p of factor.policies) lines.push(`  ${id(factor.name)} -> ${p.next === undefined ? '"done"' : id(p.next)} [label=${q(edgeLabel(p))}];`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
