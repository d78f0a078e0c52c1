// What has changed, for Stryker's incremental mode, since the committed results were written:
// a gated module's source, a test file those results were made with (changed or gone), or a
// setting of what Stryker is asked to do. Stryker itself looks at no more than that (it does not
// follow imports), so when nothing is listed its incremental run would test no mutant and reuse
// every result: CI then checks the committed results instead of paying Stryker's first, covered
// run of every test (2–3 minutes) to learn the same. A new test file is not a change: it can only
// kill more mutants, never fewer.

/** The parts of Stryker's incremental file this reads. */
export type IncrementalResults = {
  files: Record<string, { source: string }>;
  testFiles?: Record<string, { source?: string }>;
  config?: Record<string, unknown>;
  /** Where the run that wrote them was checked out. */
  projectRoot?: string;
};

/** The settings that decide which mutants exist and how they are tested (not how they are reported). */
export const DECIDING_SETTINGS = ['mutate', 'testRunner', 'coverageAnalysis', 'mochaOptions', 'testRunnerNodeArgs', 'ignoreStatic', 'timeoutFactor', 'ignorePatterns'] as const;

/** A setting as JSON with its checkout's path taken out (the settings name files by absolute path). */
const settingText = (value: unknown, root: string | undefined): string => {
  const text = JSON.stringify(value) ?? 'undefined';
  return root ? text.split(JSON.stringify(root).slice(1, -1)).join('<root>') : text;
};

/**
 * Each change since `results` were written, one line each; none when they still hold.
 * `read` gives a file's text now, or undefined when it is gone; `root` is this checkout's path.
 */
export function changesSince(results: IncrementalResults, config: Record<string, unknown>, modules: readonly string[], read: (path: string) => string | undefined, root?: string): string[] {
  const changes: string[] = [];
  for (const module of modules) {
    const before = results.files[module]?.source;
    if (before === undefined) changes.push(`${module}: not in the results`);
    else if (read(module) !== before) changes.push(`${module}: changed`);
  }
  for (const [path, test] of Object.entries(results.testFiles ?? {})) {
    const now = read(path);
    if (now === undefined) changes.push(`${path}: gone`);
    else if (test.source === undefined || now !== test.source) changes.push(`${path}: changed`);
  }
  for (const setting of DECIDING_SETTINGS) {
    if (settingText(config[setting], root) !== settingText(results.config?.[setting], results.projectRoot)) changes.push(`stryker.config.mjs: ${setting} changed`);
  }
  return changes;
}
