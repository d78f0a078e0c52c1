import { calculateMetrics } from 'mutation-testing-metrics';
import type { FileResult, MutantResult } from 'mutation-testing-report-schema';
import { z } from 'zod';

// The per-module mutation gate: every gated module must reach the threshold on its own (Stryker's
// own `break` is one number over all files). A mutant listed as equivalent counts as killed, but
// only while the list still describes it: an entry that matches no mutant fails the gate, so the
// list cannot drift away from the code. An entry whose mutant a test killed is only reported: on a
// busy machine a flaky test "kills" equivalent mutants too, and a killed mutant counts as killed
// anyway.

/** One mutant that no test can kill, with why. */
export const EquivalentMutant = z.strictObject({
  file: z.string().min(1),
  line: z.number().int().positive(),
  /** Only where the rest matches several mutants (the same change twice on one line): where it starts, and ends. */
  column: z.number().int().positive().optional(),
  endColumn: z.number().int().positive().optional(),
  mutator: z.string().min(1),
  replacement: z.string(),
  why: z.string().min(1),
});
export type EquivalentMutant = z.infer<typeof EquivalentMutant>;
export const EquivalentList = z.array(EquivalentMutant);

const Position = z.looseObject({ line: z.number(), column: z.number() });
const ReportMutant = z.looseObject({
  id: z.string(),
  mutatorName: z.string(),
  replacement: z.string().optional(),
  status: z.enum(['Killed', 'Survived', 'NoCoverage', 'CompileError', 'RuntimeError', 'Timeout', 'Ignored', 'Pending']),
  location: z.looseObject({ start: Position, end: Position }),
});
const ReportShape = z.looseObject({
  files: z.record(z.string(), z.looseObject({ language: z.string(), source: z.string(), mutants: z.array(ReportMutant) })),
});
export type Report = { files: Record<string, FileResult> };

/** Stryker's JSON report (mutation-testing-report-schema), checked for the fields the gate reads. */
export const parseReport = (json: unknown): Report => ReportShape.parse(json);

export type ModuleVerdict = {
  file: string;
  /** Percent, equivalents counted as killed; NaN when the module has no mutant that ran. */
  score: number;
  equivalents: number;
  /** Survived or not covered, and not listed as equivalent; with the key that would list it. */
  undetected: Array<{ mutant: MutantResult; key: MutantKey }>;
  passed: boolean;
};

export type StaleEntry = { entry: EquivalentMutant; problem: string };

export type Verdict = {
  modules: ModuleVerdict[];
  missing: string[];
  stale: StaleEntry[];
  /** Entries whose mutant a test killed: to look at, not a failure. */
  killed: EquivalentMutant[];
  passed: boolean;
};

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

type MutantKey = Omit<EquivalentMutant, 'why'>;

const describes = (entry: MutantKey) => (mutant: MutantResult): boolean =>
  mutant.location.start.line === entry.line && mutant.mutatorName === entry.mutator && mutant.replacement === entry.replacement
  && (entry.column === undefined || mutant.location.start.column === entry.column)
  && (entry.endColumn === undefined || mutant.location.end.column === entry.endColumn);

/** The shortest entry that names this mutant alone among the file's mutants, for the equivalent list. */
export function keyOf(file: string, mutant: MutantResult, all: readonly MutantResult[]): MutantKey {
  const { line, column } = mutant.location.start;
  const key: MutantKey = { file, line, mutator: mutant.mutatorName, replacement: mutant.replacement ?? '' };
  if (all.filter(describes(key)).length === 1) return key;
  if (all.filter(describes({ ...key, column })).length === 1) return { ...key, column };
  return { ...key, column, endColumn: mutant.location.end.column };
}

/** Judges a report: each module against the threshold (percent), each equivalent entry against the report. */
export function judge(report: Report, modules: readonly string[], equivalents: readonly EquivalentMutant[], threshold: number): Verdict {
  const stale: StaleEntry[] = [];
  const killed: EquivalentMutant[] = [];
  for (const entry of equivalents) {
    if (!modules.includes(entry.file)) stale.push({ entry, problem: 'its file is not a gated module' });
  }
  const missing = modules.filter((file) => report.files[file] === undefined);
  const verdicts = modules.flatMap((file) => {
    const result = report.files[file];
    return result ? [judgeModule(file, result, equivalents.filter((entry) => entry.file === file), threshold, stale, killed)] : [];
  });
  return { modules: verdicts, missing, stale, killed, passed: missing.length === 0 && stale.length === 0 && verdicts.every((v) => v.passed) };
}

function judgeModule(
  file: string, result: FileResult, entries: readonly EquivalentMutant[], threshold: number, stale: StaleEntry[], killed: EquivalentMutant[],
): ModuleVerdict {
  const equivalent = new Set<MutantResult>();
  for (const entry of entries) {
    const matches = result.mutants.filter(describes(entry));
    if (matches.length === 0) stale.push({ entry, problem: 'no such mutant any more: update or remove the entry' });
    else if (matches.length > 1) stale.push({ entry, problem: `it matches ${matches.length} mutants (at ${matches.map((m) => `${m.location.start.column}-${m.location.end.column}`).join(', ')}): add the column and endColumn of the one meant` });
    else if (matches[0]!.status === 'Killed') killed.push(entry);
    else if (UNDETECTED.has(matches[0]!.status)) equivalent.add(matches[0]!);
  }
  const mutants = result.mutants.map((m) => (equivalent.has(m) ? { ...m, status: 'Killed' as const } : m));
  const score = calculateMetrics({ [file]: { ...result, mutants } }).metrics.mutationScore;
  const undetected = result.mutants.filter((m) => UNDETECTED.has(m.status) && !equivalent.has(m)).map((mutant) => ({ mutant, key: keyOf(file, mutant, result.mutants) }));
  return { file, score, equivalents: equivalent.size, undetected, passed: score >= threshold };
}
