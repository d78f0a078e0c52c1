import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { ConfigError } from '../errors.js';

export const ENV_PREFIX = 'FACTORGATE_';

export { ConfigError } from '../errors.js';

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; anyOf?: JsonSchema[] };
type Leaf = { path: string[]; envName: string; type: string };

const toSnake = (segment: string) => segment.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Every setting with the environment variable that overrides it, derived from the schema. */
export function settingsFromSchema(): Leaf[] {
  const leaves: Leaf[] = [];
  const walk = (node: JsonSchema, path: string[]) => {
    // A flow is a graph, written in the configuration file (fixtures/flows/README.md), not in variables.
    if (path.length === 1 && path[0] === 'flows') return;
    if (node.properties) {
      for (const [key, child] of Object.entries(node.properties)) walk(child, [...path, key]);
      return;
    }
    const type = Array.isArray(node.type) ? node.type[0] : node.type ?? node.anyOf?.[0]?.type;
    leaves.push({ path, envName: ENV_PREFIX + path.map(toSnake).join('_'), type: String(type ?? 'string') });
  };
  walk(z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, []);
  return leaves;
}

function coerce(raw: string, type: string): unknown {
  switch (type) {
    case 'integer':
    case 'number': {
      const n = Number(raw);
      return raw.trim() === '' || Number.isNaN(n) ? raw : n;
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(raw)) return true;
      if (/^(false|0|no)$/i.test(raw)) return false;
      return raw;
    case 'array':
      return raw.trim().startsWith('[') ? JSON.parse(raw) : raw.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

function setAt(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

/** Sections renamed since; the old name is still read, in the file and as FACTORGATE_OLD_*. */
const RENAMED_SECTIONS: Readonly<Record<string, string>> = { tfa: 'anakam' };

/** The variable's older name, for a setting of a renamed section. */
function olderEnvName(leaf: Leaf): string | undefined {
  const old = Object.entries(RENAMED_SECTIONS).find(([, now]) => now === leaf.path[0])?.[0];
  return old === undefined ? undefined : ENV_PREFIX + [old, ...leaf.path.slice(1)].map(toSnake).join('_');
}

/** The variable (or NAME_FILE) the environment sets for a setting, under its name or its older one, never both. */
function envNameSet(env: NodeJS.ProcessEnv, leaf: Leaf, problems: string[]): string {
  const older = olderEnvName(leaf);
  const set = (name: string) => env[name] !== undefined || env[`${name}_FILE`] !== undefined;
  if (older === undefined || !set(older)) return leaf.envName;
  if (set(leaf.envName)) {
    problems.push(`${leaf.path.join('.')}: set by both ${leaf.envName} and its older name ${older}; keep one`);
    return leaf.envName;
  }
  return older;
}

/** Moves a renamed section of the file to its name; both given is a mistake worth saying. */
function renameSections(raw: Record<string, unknown>, problems: string[]): void {
  for (const [old, now] of Object.entries(RENAMED_SECTIONS)) {
    if (!Object.hasOwn(raw, old)) continue;
    if (Object.hasOwn(raw, now)) problems.push(`${old}: is the older name of ${now}; give one of the two sections`);
    else raw[now] = raw[old];
    delete raw[old];
  }
}

/** Values from FACTORGATE_* variables; NAME_FILE reads the value from a file (for secrets). */
function fromEnvironment(env: NodeJS.ProcessEnv, into: Record<string, unknown>, problems: string[]): void {
  for (const leaf of settingsFromSchema()) {
    const envName = envNameSet(env, leaf, problems);
    let raw = env[envName];
    const file = env[`${envName}_FILE`];
    if (raw === undefined && file !== undefined) {
      try {
        raw = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
      } catch (err) {
        problems.push(`${leaf.path.join('.')}: cannot read ${envName}_FILE (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
        continue;
      }
    }
    if (raw === undefined) continue;
    try {
      setAt(into, leaf.path, coerce(raw, leaf.type));
    } catch {
      problems.push(`${leaf.path.join('.')}: ${envName} is not a valid list`);
    }
  }
}

function fromFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`cannot read config file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`config file ${path} is not valid YAML: ${(err as Error).message.split('\n')[0]}`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) throw new ConfigError([`config file ${path} must hold a mapping`]);
  return parsed as Record<string, unknown>;
}

/** Builds the configuration from an optional YAML file and the environment; reports all errors at once. */
export function loadConfig(options: { file?: string; env?: NodeJS.ProcessEnv; overrides?: Record<string, unknown> } = {}): Config {
  const raw = options.file ? fromFile(options.file) : {};
  const problems: string[] = [];
  renameSections(raw, problems);
  fromEnvironment(options.env ?? process.env, raw, problems);
  if (options.overrides) deepMerge(raw, options.overrides);
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const where = issue.path.length ? issue.path.join('.') : '(root)';
      // A setting whose _FILE could not be read is already reported; say it once.
      if (problems.some((p) => p.startsWith(`${where}: cannot read`))) continue;
      // Never echo a received value: it could be a secret.
      const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
      const envName = ENV_PREFIX + issue.path.map((p) => toSnake(String(p))).join('_');
      problems.push(missing ? `${where}: required (set it in the config file or ${envName})` : `${where}: ${issue.message}`);
    }
  }
  if (problems.length) throw new ConfigError(problems);
  return result.data!;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && existing && typeof existing === 'object' && !Array.isArray(existing)) {
      deepMerge(existing as Record<string, unknown>, value as Record<string, unknown>);
    } else {
      target[key] = value;
    }
  }
}
