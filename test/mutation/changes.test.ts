import { expect } from 'chai';
import { changesSince, DECIDING_SETTINGS, type IncrementalResults } from '../../scripts/mutation/changes.js';

// When CI may check the committed mutation results instead of running Stryker
// (scripts/mutation/changes.ts): only when nothing Stryker's incremental mode looks at changed.

const MODULES = ['src/a.ts', 'src/b.ts'];
const CONFIG = { mutate: MODULES, mochaOptions: { spec: ['test/**/*.test.ts'] }, ignoreStatic: true, reporters: ['json'] };
const RESULTS: IncrementalResults = {
  files: { 'src/a.ts': { source: 'a' }, 'src/b.ts': { source: 'b' } },
  testFiles: { 'test/a.test.ts': { source: 'ta' }, 'test/b.test.ts': { source: 'tb' } },
  config: { ...CONFIG, reporters: ['html'], allowConsoleColors: true },
};
const DISK: Record<string, string> = { 'src/a.ts': 'a', 'src/b.ts': 'b', 'test/a.test.ts': 'ta', 'test/b.test.ts': 'tb' };

const changes = (disk: Record<string, string | undefined>, config: Record<string, unknown> = CONFIG, modules = MODULES) =>
  changesSince(RESULTS, config, modules, (path) => disk[path]);

describe('mutation gate: what changed since the committed results (scripts/mutation/changes.ts)', () => {
  it('nothing, when the modules, the test files and the deciding settings are as they were (how results are reported does not count)', () => {
    expect(changes(DISK)).to.deep.equal([]);
  });

  it('a new test file alone is no change: it can only kill more mutants', () => {
    expect(changes({ ...DISK, 'test/c.test.ts': 'tc' })).to.deep.equal([]);
  });

  it('a gated module edited, or one the results do not hold', () => {
    expect(changes({ ...DISK, 'src/b.ts': 'b2' })).to.deep.equal(['src/b.ts: changed']);
    expect(changes({ ...DISK, 'src/new.ts': 'n' }, CONFIG, [...MODULES, 'src/new.ts'])).to.include('src/new.ts: not in the results');
  });

  it('a test file the results were made with, edited or gone', () => {
    expect(changes({ ...DISK, 'test/a.test.ts': 'ta2' })).to.deep.equal(['test/a.test.ts: changed']);
    expect(changes({ ...DISK, 'test/b.test.ts': undefined })).to.deep.equal(['test/b.test.ts: gone']);
  });

  it('each setting that decides which mutants exist and how they are tested', () => {
    for (const setting of DECIDING_SETTINGS) {
      expect(changes(DISK, { ...CONFIG, [setting]: ['something else'] }), setting).to.deep.equal([`stryker.config.mjs: ${setting} changed`]);
    }
  });

  it('the same settings in another checkout are no change: a file named by absolute path is compared below its checkout', () => {
    const results = { ...RESULTS, projectRoot: '/ci/one', config: { ...CONFIG, testRunnerNodeArgs: ['--require', '/ci/one/scripts/x.cjs'] } };
    const here = { ...CONFIG, testRunnerNodeArgs: ['--require', '/home/me/fg/scripts/x.cjs'] };
    expect(changesSince(results, here, MODULES, (path) => DISK[path], '/home/me/fg')).to.deep.equal([]);
    const other = { ...CONFIG, testRunnerNodeArgs: ['--require', '/home/me/fg/scripts/y.cjs'] };
    expect(changesSince(results, other, MODULES, (path) => DISK[path], '/home/me/fg')).to.deep.equal(['stryker.config.mjs: testRunnerNodeArgs changed']);
  });

  it('results without test files or settings (an older format) are never taken as current for the settings', () => {
    expect(changesSince({ files: RESULTS.files }, CONFIG, MODULES, (path) => DISK[path])).to.include('stryker.config.mjs: mutate changed');
  });
});
