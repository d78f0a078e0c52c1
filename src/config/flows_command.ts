import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { configSchema } from './schema.js';
import { checkFlows } from '../flows/check.js';
import { defaultFlow } from '../flows/default_flow.js';
import { flowGraph, flowsCheckReport } from '../flows/render.js';

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
  let raw: { flows?: unknown; ldap?: unknown; providers?: unknown; anakam?: unknown; tfa?: unknown } | null;
  try {
    raw = parseYaml(readFileSync(file, 'utf8')) as typeof raw;
  } catch (e) {
    err(`cannot read ${file}: ${(e as Error).message.split('\n')[0]}\n`);
    return 2;
  }
  let section = raw?.flows;
  if (section === undefined) {
    const built = defaultFrom(raw ?? {});
    if (!built) {
      err(`${file} has no flows section, and its ldap or providers section does not parse\n`);
      return 2;
    }
    if (sub === 'check') out(`${file} has no flows section: this is the default flow its ldap, providers and anakam sections make.\n`);
    section = built;
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

/**
 * The default flow of a file without a flows section, from its ldap, providers and anakam (or tfa) sections
 * alone (settings given only in the environment are not seen here).
 */
function defaultFrom(raw: { ldap?: unknown; providers?: unknown; anakam?: unknown; tfa?: unknown }): unknown {
  const providers = configSchema.in.shape.providers.safeParse(raw.providers ?? {});
  const ldap = typeof raw.ldap === 'object' && raw.ldap !== null && (raw.ldap as { enabled?: unknown }).enabled === true;
  if (!providers.success) return undefined;
  const fallback = providers.data.default ?? (raw.anakam === undefined && raw.tfa === undefined ? 'totp' : 'anakam');
  return defaultFlow({ ldap, providers: { default: fallback, policies: providers.data.policies } });
}
