import { z } from 'zod';
import { configSchema } from './schema.js';
import { settingsFromSchema } from './load.js';

// defaultText: a default that depends on other settings, said in words (`.meta({ defaultText })` in the schema).
type Node = { properties?: Record<string, Node>; required?: string[]; default?: unknown; defaultText?: string; description?: string; enum?: unknown[] };

/** The configuration reference (docs/configuration.md), generated from the schema so the two cannot drift. */
export function configReference(): string {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const at = (path: string[]) => path.reduce<Node | undefined>((node, key) => node?.properties?.[key], root);
  // Most sections default to empty, so a setting is required when its own section requires it; in an
  // optional section (no default, not required: anakam, linotp) only once that section is given.
  const required = (path: string[]) => at(path.slice(0, -1))?.required?.includes(path[path.length - 1]!) ?? false;
  const whenRequired = (path: string[]) => {
    const sections = path.slice(0, -1).map((_, i) => path.slice(0, i + 1));
    const optional = sections.find((section) => at(section)?.default === undefined && !required(section));
    return optional ? `required when \`${optional.join('.')}\` is given` : 'required';
  };
  const rows = settingsFromSchema().map((leaf) => {
    const node = at(leaf.path) ?? {};
    const fallback = node.default !== undefined ? `\`${JSON.stringify(node.default)}\``
      : node.defaultText ?? (required(leaf.path) ? whenRequired(leaf.path) : 'optional');
    const choices = node.enum ? ` One of ${node.enum.map((v) => `\`${String(v)}\``).join(', ')}.` : '';
    return `| \`${leaf.path.join('.')}\` | \`${leaf.envName}\` | ${fallback} | ${(node.description ?? '').replace(/\|/g, '\\|')}${choices} |`;
  });
  return [
    '# Configuration reference',
    '',
    'Generated from `src/config/schema.ts` by `factorgate config-reference`; do not edit by hand.',
    '',
    'Settings come from the YAML file given with `--config`, then from the environment, which wins.',
    'Any variable may instead name a file with the `_FILE` suffix (`FACTORGATE_SECRET_FILE=/run/secrets/fg`);',
    'lists are comma-separated or JSON. "required" settings have no default; `anakam.profile.*` settings',
    '(the two-factor server\'s vocabulary) are listed in full below.',
    '',
    '| setting | environment variable | default | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
