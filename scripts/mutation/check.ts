import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { EquivalentList, judge, parseReport, type Verdict } from './gate.js';

// `npm run test:mutation` runs this after Stryker: it reads Stryker's JSON report (or the report
// named as its argument: CI names the committed incremental results when nothing they depend on
// changed) and the list of equivalent mutants, prints each gated module's score and exits 1 naming
// every module under the threshold and every stale equivalent entry.

const EQUIVALENTS = 'test/mutation/equivalent.json';

const StrykerConfig = z.object({
  SECURITY_MODULES: z.array(z.string()).min(1),
  MODULE_BREAK: z.number().min(0).max(100),
  default: z.looseObject({ jsonReporter: z.object({ fileName: z.string() }) }),
});

const root = resolve(import.meta.dirname, '../..');
const config = StrykerConfig.parse(await import(pathToFileURL(resolve(root, 'stryker.config.mjs')).href));
const reportFile = process.argv[2] ?? config.default.jsonReporter.fileName;
const report = parseReport(JSON.parse(readFileSync(resolve(root, reportFile), 'utf8')));
const equivalents = EquivalentList.parse(JSON.parse(readFileSync(resolve(root, EQUIVALENTS), 'utf8')));

const verdict = judge(report, config.SECURITY_MODULES, equivalents, config.MODULE_BREAK);
console.log(render(verdict, config.MODULE_BREAK));
process.exitCode = verdict.passed ? 0 : 1;

function render(v: Verdict, threshold: number): string {
  const lines = [`mutation gate: every module at ${threshold}% or more (listed equivalents count as killed)`];
  for (const m of v.modules) {
    const score = Number.isNaN(m.score) ? 'no mutant ran' : `${m.score.toFixed(2)}%`;
    lines.push(`  ${m.passed ? 'ok  ' : 'FAIL'} ${m.file}: ${score}, ${m.undetected.length} undetected, ${m.equivalents} equivalent`);
    if (m.passed) continue;
    // In the equivalent list's own form, for a mutant that turns out to be equivalent.
    for (const { mutant, key } of m.undetected) lines.push(`       ${mutant.status}: ${JSON.stringify(key)}`);
  }
  for (const file of v.missing) lines.push(`  FAIL ${file}: not in the report (moved or renamed? update SECURITY_MODULES in stryker.config.mjs)`);
  for (const { entry, problem } of v.stale) {
    lines.push(`  FAIL ${EQUIVALENTS}: ${JSON.stringify({ file: entry.file, line: entry.line, mutator: entry.mutator, replacement: entry.replacement })}: ${problem}`);
  }
  for (const entry of v.killed) {
    lines.push(`  note ${EQUIVALENTS}: ${JSON.stringify(entry)}: a test killed this mutant; if that test is not flaky, the entry is wrong`);
  }
  const failing = v.modules.filter((m) => !m.passed).map((m) => m.file).concat(v.missing);
  if (failing.length > 0) lines.push(`modules under ${threshold}%: ${failing.join(', ')}`);
  if (v.stale.length > 0) lines.push(`${v.stale.length} stale equivalent entr${v.stale.length === 1 ? 'y' : 'ies'} in ${EQUIVALENTS}`);
  lines.push(v.passed ? 'mutation gate passed' : 'mutation gate FAILED (survivors: see the report above or reports/mutation/mutation.html)');
  return lines.join('\n');
}
