import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { FileResult, MutantStatus } from 'mutation-testing-report-schema';
import { EquivalentList, judge, keyOf, parseReport, type EquivalentMutant, type Report } from '../../scripts/mutation/gate.js';

// The per-module mutation gate (scripts/mutation/gate.ts) on small hand-made reports, and the
// committed list of equivalent mutants.

type Row = [line: number, status: MutantStatus, mutator?: string, replacement?: string];

/** A report file with one mutant per row (ConditionalExpression → "false" unless said otherwise). */
const file = (rows: Row[]): FileResult => ({
  language: 'typescript',
  source: '',
  mutants: rows.map(([line, status, mutator = 'ConditionalExpression', replacement = 'false'], i) => ({
    id: String(i),
    mutatorName: mutator,
    replacement,
    status,
    location: { start: { line, column: 1 }, end: { line, column: 5 } },
  })),
});

/** n mutants on consecutive lines from `from`, all of one status. */
const many = (n: number, status: MutantStatus, from = 100): Row[] => Array.from({ length: n }, (_, i) => [from + i, status]);

const entry = (over: Partial<EquivalentMutant> = {}): EquivalentMutant =>
  ({ file: 'src/a.ts', line: 1, mutator: 'ConditionalExpression', replacement: 'false', why: 'a reason', ...over });

describe('mutation gate (scripts/mutation/gate.ts)', () => {
  describe('the threshold holds per module', () => {
    it('fails a module under the threshold even when the total is over it, and names it', () => {
      const report: Report = { files: { 'src/a.ts': file([...many(8, 'Killed'), ...many(2, 'Survived', 200)]), 'src/b.ts': file(many(90, 'Killed')) } };
      const verdict = judge(report, ['src/a.ts', 'src/b.ts'], [], 90);
      expect(verdict.passed).to.equal(false);
      expect(verdict.modules.map((m) => [m.file, m.score, m.passed])).to.deep.equal([['src/a.ts', 80, false], ['src/b.ts', 100, true]]);
      expect(verdict.modules[0]!.undetected.map((u) => u.mutant.location.start.line)).to.deep.equal([200, 201]);
      expect(verdict.modules[0]!.undetected[0]!.key).to.deep.equal({ file: 'src/a.ts', line: 200, mutator: 'ConditionalExpression', replacement: 'false' });
    });

    it('passes a module exactly at the threshold', () => {
      const verdict = judge({ files: { 'src/a.ts': file([...many(9, 'Killed'), [200, 'Survived']]) } }, ['src/a.ts'], [], 90);
      expect(verdict.modules[0]!.score).to.equal(90);
      expect(verdict.passed).to.equal(true);
    });

    it('counts a mutant no test covers as undetected and a timeout as detected', () => {
      const verdict = judge({ files: { 'src/a.ts': file([[1, 'NoCoverage'], [2, 'Timeout'], [3, 'Killed'], [4, 'Killed']]) } }, ['src/a.ts'], [], 90);
      expect(verdict.modules[0]!.score).to.equal(75);
      expect(verdict.modules[0]!.undetected.map((u) => u.mutant.status)).to.deep.equal(['NoCoverage']);
      expect(verdict.passed).to.equal(false);
    });

    it('leaves mutants that did not compile, errored or were ignored out of the score', () => {
      const verdict = judge({ files: { 'src/a.ts': file([[1, 'Killed'], [2, 'CompileError'], [3, 'RuntimeError'], [4, 'Ignored']]) } }, ['src/a.ts'], [], 90);
      expect(verdict.modules[0]!.score).to.equal(100);
    });

    it('fails a module with no mutant that ran', () => {
      const verdict = judge({ files: { 'src/a.ts': file([[1, 'Ignored']]) } }, ['src/a.ts'], [], 90);
      expect(Number.isNaN(verdict.modules[0]!.score)).to.equal(true);
      expect(verdict.passed).to.equal(false);
    });

    it('fails a gated module the report does not hold (a moved or renamed file)', () => {
      const verdict = judge({ files: { 'src/a.ts': file(many(3, 'Killed')) } }, ['src/a.ts', 'src/moved.ts'], [], 90);
      expect(verdict.missing).to.deep.equal(['src/moved.ts']);
      expect(verdict.passed).to.equal(false);
    });
  });

  describe('equivalent mutants', () => {
    const report: Report = { files: { 'src/a.ts': file([[1, 'Survived'], [2, 'Killed'], [3, 'Killed'], [4, 'Killed'], [5, 'Killed'], [6, 'Killed'], [7, 'Killed'], [8, 'Killed'], [9, 'Killed'], [10, 'NoCoverage']]) } };

    it('counts a listed survivor as killed', () => {
      expect(judge(report, ['src/a.ts'], [], 90).modules[0]!.score).to.equal(80);
      const verdict = judge(report, ['src/a.ts'], [entry({ line: 1 }), entry({ line: 10 })], 90);
      expect(verdict.modules[0]).to.deep.include({ score: 100, equivalents: 2, undetected: [], passed: true });
      expect(verdict.stale).to.deep.equal([]);
      expect(verdict.passed).to.equal(true);
    });

    it('fails an entry whose line, mutator or replacement no longer describes a mutant, and does not count it', () => {
      for (const stale of [entry({ line: 11 }), entry({ mutator: 'BooleanLiteral' }), entry({ replacement: 'true' })]) {
        const verdict = judge(report, ['src/a.ts'], [stale], 80);
        expect(verdict.stale.map((s) => s.entry), JSON.stringify(stale)).to.deep.equal([stale]);
        expect(verdict.stale[0]!.problem).to.match(/no such mutant/);
        expect(verdict.modules[0]!.score).to.equal(80);
        expect(verdict.passed, JSON.stringify(stale)).to.equal(false);
      }
    });

    it('reports an entry whose mutant a test killed without failing, since a flaky test does that too', () => {
      const verdict = judge(report, ['src/a.ts'], [entry({ line: 1 }), entry({ line: 2 })], 80);
      expect(verdict.killed).to.deep.equal([entry({ line: 2 })]);
      expect(verdict.stale).to.deep.equal([]);
      expect(verdict.modules[0]).to.deep.include({ score: 90, equivalents: 1 });
      expect(verdict.passed).to.equal(true);
    });

    it('keeps an entry whose mutant timed out, which a busy machine does to equivalent mutants too', () => {
      const timedOut: Report = { files: { 'src/a.ts': file([[1, 'Timeout'], [2, 'Killed']]) } };
      const verdict = judge(timedOut, ['src/a.ts'], [entry({ line: 1 })], 90);
      expect(verdict.stale).to.deep.equal([]);
      expect(verdict.modules[0]).to.deep.include({ score: 100, equivalents: 0, passed: true });
    });

    it('fails an entry that matches the same change twice on one line until it says where', () => {
      // `a === b && c` → `true` twice from column 1: the whole condition (to 16) and its left side (to 8).
      const twice: FileResult = file([[1, 'Survived'], [1, 'Survived'], [1, 'Killed'], ...many(7, 'Killed')]);
      twice.mutants[0]!.location = { start: { line: 1, column: 1 }, end: { line: 1, column: 16 } };
      twice.mutants[1]!.location = { start: { line: 1, column: 1 }, end: { line: 1, column: 8 } };
      twice.mutants[2]!.location = { start: { line: 1, column: 12 }, end: { line: 1, column: 16 } };
      const report2: Report = { files: { 'src/a.ts': twice } };
      const ambiguous = judge(report2, ['src/a.ts'], [entry({ line: 1 })], 80);
      expect(ambiguous.stale.map((s) => s.problem)).to.deep.equal(['it matches 3 mutants (at 1-16, 1-8, 12-16): add the column and endColumn of the one meant']);
      expect(ambiguous.passed).to.equal(false);
      const named = judge(report2, ['src/a.ts'], [entry({ line: 1, column: 1, endColumn: 8 })], 90);
      expect(named.stale).to.deep.equal([]);
      expect(named.modules[0]).to.deep.include({ score: 90, equivalents: 1 });
      expect(named.modules[0]!.undetected.map((u) => u.key)).to.deep.equal([{ file: 'src/a.ts', line: 1, mutator: 'ConditionalExpression', replacement: 'false', column: 1, endColumn: 16 }]);
    });

    it('suggests the shortest key that names a mutant alone', () => {
      const mutants = file([[1, 'Survived'], [1, 'Survived'], [2, 'Survived']]).mutants;
      mutants[1]!.location = { start: { line: 1, column: 9 }, end: { line: 1, column: 12 } };
      const base = { file: 'src/a.ts', mutator: 'ConditionalExpression', replacement: 'false' };
      expect(keyOf('src/a.ts', mutants[2]!, mutants)).to.deep.equal({ ...base, line: 2 });
      expect(keyOf('src/a.ts', mutants[1]!, mutants)).to.deep.equal({ ...base, line: 1, column: 9 });
    });

    it('fails an entry for a file that is not gated, and never counts it for another file', () => {
      const verdict = judge(report, ['src/a.ts'], [entry({ file: 'src/b.ts', line: 1 })], 80);
      expect(verdict.stale.map((s) => s.problem)).to.deep.equal(['its file is not a gated module']);
      expect(verdict.modules[0]!.equivalents).to.equal(0);
      expect(verdict.passed).to.equal(false);
    });

    it('refuses an entry without a reason', () => {
      expect(EquivalentList.safeParse([entry({ why: '' })]).success).to.equal(false);
      expect(EquivalentList.safeParse([{ ...entry(), col: 3 }]).success).to.equal(false);
    });
  });

  it('refuses a report that lacks what the gate reads', () => {
    expect(() => parseReport({ files: { 'src/a.ts': { language: 'typescript', source: '', mutants: [{ mutatorName: 'X', status: 'Survived' }] } } })).to.throw();
    expect(() => parseReport({ files: { 'src/a.ts': { ...file([[1, 'Killed']]), mutants: [{ ...file([[1, 'Killed']]).mutants[0], status: 'Dead' }] } } })).to.throw();
    expect(parseReport({ schemaVersion: '2', thresholds: {}, files: { 'src/a.ts': file([[1, 'Killed']]) } }).files['src/a.ts']!.mutants).to.have.length(1);
  });

  it('has a committed list of equivalent mutants that parses, each in a file that exists', () => {
    const list = EquivalentList.parse(JSON.parse(readFileSync(new URL('./equivalent.json', import.meta.url), 'utf8')));
    for (const listed of list) expect(existsSync(new URL(`../../${listed.file}`, import.meta.url)), `${listed.file}:${listed.line}`).to.equal(true);
  });

  it('has no test that loads project code with import(), which under tsx loads a second copy of it', () => {
    // Mocha require()s the test files, so their static imports load through tsx's CommonJS hooks,
    // while an import() inside a test loads the ESM copy anew, load-time code included. Stryker
    // then records a gated module's constants, schemas and regular expressions as covered by that
    // one test as well as at load, runs their mutants against that test alone, and scores them as
    // survivors instead of leaving them out as static (stryker.config.mjs, ignoreStatic).
    const testDir = new URL('../', import.meta.url);
    const dynamic = readdirSync(testDir, { recursive: true, encoding: 'utf8' })
      .filter((path) => path.endsWith('.ts'))
      .filter((path) => /\bimport\(\s*['"`]\.{1,2}\//.test(readFileSync(new URL(path, testDir), 'utf8')));
    expect(dynamic).to.deep.equal([]);
  });
});
