import { closest, distance } from 'fastest-levenshtein';

/**
 * Strictness for the configuration: a key or a FACTORGATE_* variable that names no setting is a
 * mistake (a typo would otherwise leave the default in force, silently), so it is refused with the
 * nearest known name. The sections' schemas live in several modules; one walk over the schema's
 * JSON form holds every one of them to it, instead of a strict variant of each.
 */

export type SchemaNode = {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
};

const isMapping = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Close enough to be the name meant: a slip of a third of the letters, at least two. */
const nearEnough = (typed: string, known: string) => distance(typed.toLowerCase(), known.toLowerCase()) <= Math.max(2, Math.floor(typed.length / 3));

/** Every dotted path of a named setting or section, outside lists and maps (whose keys are the user's own). */
function knownPaths(root: SchemaNode): string[] {
  const paths: string[] = [];
  const walk = (node: SchemaNode, path: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      paths.push([...path, key].join('.'));
      walk(child, [...path, key]);
    }
    for (const alternative of node.anyOf ?? []) walk(alternative, path);
  };
  walk(root, []);
  return paths;
}

/** The name most likely meant by an unknown key at `path`: a sibling spelled nearly so, the same key elsewhere, or the nearest whole path. */
function suggestion(path: string[], siblings: string[], all: string[]): string | undefined {
  const key = path[path.length - 1]!;
  const parent = path.slice(0, -1);
  const sibling = siblings.length ? closest(key, siblings) : undefined;
  if (sibling !== undefined && nearEnough(key, sibling)) return [...parent, sibling].join('.');
  const moved = all.filter((known) => known.split('.').pop() === key).sort((a, b) => a.length - b.length)[0];
  if (moved) return moved;
  const dotted = path.join('.');
  const nearest = closest(dotted, all);
  return nearEnough(dotted, nearest) ? nearest : undefined;
}

/** Problems for every key of `raw` that the schema does not name, each with the nearest known name. */
export function unknownKeys(raw: unknown, root: SchemaNode): string[] {
  const all = knownPaths(root);
  const problems: string[] = [];
  const walk = (value: unknown, node: SchemaNode, path: string[]) => {
    const alternative = node.anyOf?.find((a) => (isMapping(value) ? a.properties || isMapping(a.additionalProperties) : Array.isArray(value) ? a.items : false));
    if (alternative) return walk(value, alternative, path);
    if (Array.isArray(value) && node.items) {
      value.forEach((item, i) => walk(item, node.items!, [...path, String(i)]));
      return;
    }
    if (!isMapping(value)) return;
    const map = isMapping(node.additionalProperties) ? node.additionalProperties : undefined;
    if (!node.properties && !map) return;
    for (const [key, child] of Object.entries(value)) {
      const known = node.properties?.[key] ?? map;
      if (known) {
        walk(child, known, [...path, key]);
        continue;
      }
      const meant = suggestion([...path, key], Object.keys(node.properties ?? {}), all);
      problems.push(`${[...path, key].join('.')}: unknown setting${meant ? `; did you mean ${meant}?` : ' (docs/configuration.md lists every setting)'}`);
    }
  };
  walk(raw, root, []);
  return problems;
}

/**
 * Problems for every FACTORGATE_* variable that sets nothing: `known` maps each variable a setting
 * is read from (older names included) to its dotted path; NAME_FILE reads NAME from a file.
 */
export function unknownVariables(env: NodeJS.ProcessEnv, prefix: string, known: ReadonlyMap<string, string>): string[] {
  const names = [...known.keys()];
  const problems: string[] = [];
  for (const name of Object.keys(env)) {
    if (!name.startsWith(prefix) || env[name] === undefined) continue;
    if (known.has(name) || (name.endsWith('_FILE') && known.has(name.slice(0, -'_FILE'.length)))) continue;
    if (name.startsWith(`${prefix}FLOWS_`)) {
      problems.push(`${name}: a flow comes from the configuration file only, not from variables`);
      continue;
    }
    const file = name.endsWith('_FILE') ? '_FILE' : '';
    const typed = name.slice(prefix.length, name.length - file.length);
    const nearest = closest(typed, names.map((n) => n.slice(prefix.length)));
    const meant = nearEnough(typed, nearest) ? `${prefix}${nearest}` : undefined;
    problems.push(`${name}: unknown variable${meant ? `; did you mean ${meant}${file} (${known.get(meant)})?` : ' (docs/configuration.md lists every variable)'}`);
  }
  return problems;
}
