import { z } from 'zod';
import { configSchema } from './schema.js';

type Node = { [keyword: string]: unknown; properties?: Record<string, Node> };

/**
 * The configuration file's JSON Schema (docs/configuration.schema.json), generated from the same
 * schema as the reference so editors check a YAML file as factorgate will: unknown keys are
 * errors, as they are at start-up. No key is marked required, since any setting may come from
 * the environment instead; `factorgate config check` tells what is still missing.
 */
export function configJsonSchema(): Node {
  const root = z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as Node;
  const tighten = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) return;
    if (Array.isArray(node)) return node.forEach(tighten);
    const n = node as Node;
    delete n.required;
    // A default said in words, for the Markdown reference; not a JSON Schema keyword.
    delete n.defaultText;
    if (n.properties && n.additionalProperties === undefined) n.additionalProperties = false;
    Object.values(n).forEach(tighten);
  };
  tighten(root);
  const anakam = root.properties!.anakam!;
  return {
    $schema: root.$schema,
    title: 'factorgate configuration',
    description: 'The YAML file given to factorgate --config. Generated from src/config/schema.ts by `factorgate config schema`; do not edit by hand.',
    ...root,
    properties: {
      ...root.properties,
      // The anakam section's older name, still read.
      tfa: { ...anakam, deprecated: true, description: 'The older name of the anakam section, still read; give one of the two.' },
    },
  };
}
