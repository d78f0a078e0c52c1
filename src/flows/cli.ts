import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { checkFlows } from './check.js';
import { flowGraph, flowsCheckReport } from './render.js';

/**
 * `factorgate flows check FILE` and `factorgate flows graph FILE [--format mermaid|dot]`: read only
 * the `flows` section of a configuration file, so they run without any secret at hand.
 */
export function runFlowsCommand(args: string[], out: (text: string) => void, err: (text: string) => void): number {
  const [sub, file, ...rest] = args;
  if ((sub !== 'check' && sub !== 'graph') || !file) {
    err('usage: factorgate flows check FILE | factorgate flows graph FILE [--format mermaid|dot]\n');
    return 2;
  }
  let section: unknown;
  try {
    section = (parseYaml(readFileSync(file, 'utf8')) as { flows?: unknown } | null)?.flows;
  } catch (e) {
    err(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  if (section === undefined) {
    err(`${file} has no flows section\n`);
    return 2;
  }
  if (sub === 'check') {
    const report = flowsCheckReport(section);
    (report.ok ? out : err)(report.text.endsWith('\n') ? report.text : `${report.text}\n`);
    return report.ok ? 0 : 1;
  }
  const format = rest[0] === '--format' ? rest[1] : 'mermaid';
  if (format !== 'mermaid' && format !== 'dot') {
    err('--format must be mermaid or dot\n');
    return 2;
  }
  const checked = checkFlows(section);
  if (!checked.ok) {
    err(flowsCheckReport(section).text + '\n');
    return 1;
  }
  out(flowGraph(checked.flow, format) + '\n');
  return 0;
}
