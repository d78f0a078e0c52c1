import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { changesSince, type IncrementalResults } from './changes.js';

// scripts/test-mutation.sh --ci asks this first: exit 0 when nothing Stryker would look at has
// changed since test/mutation/stryker-incremental.json was written (the gate is then checked on
// those results), 1 with the changes listed when Stryker must run.

const root = resolve(import.meta.dirname, '../..');
const { default: config, SECURITY_MODULES } = await import(pathToFileURL(resolve(root, 'stryker.config.mjs')).href) as { default: Record<string, unknown> & { incrementalFile: string }; SECURITY_MODULES: string[] };
const results = JSON.parse(readFileSync(resolve(root, config.incrementalFile), 'utf8')) as IncrementalResults;
const read = (path: string): string | undefined => {
  try {
    return readFileSync(resolve(root, path), 'utf8');
  } catch {
    return undefined;
  }
};

const changes = changesSince(results, config, SECURITY_MODULES, read, root);
if (changes.length === 0) {
  console.log(`mutation gate: no gated module, test file or setting changed since ${config.incrementalFile} was written; checking its results`);
} else {
  console.log(`mutation gate: Stryker runs again for ${changes.length} change(s) since ${config.incrementalFile} was written:\n  ${changes.slice(0, 20).join('\n  ')}`);
  process.exitCode = 1;
}
