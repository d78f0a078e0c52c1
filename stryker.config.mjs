// @ts-check
// The mutation gate on the security modules: `npm run test:mutation` (README, "Mutation testing").
//
// Pinned versions (package.json cannot say why):
// - @stryker-mutator/core, mocha-runner and api 9.6.1, exactly: 10.x needs Node 22 and factorgate
//   runs on Node 20; the runner's and the api's (scripts/mutation/mutant_budget.mjs) must equal
//   core's.
// - mocha-runner 9.x declares mocha "< 12" as its peer; package.json's `overrides` points that peer
//   at our mocha 12, and scripts/mutation/mocha12_cli.cjs lets the runner load mocha 12's CLI
//   helpers, which mocha 12 renamed to .cjs. Nothing else in mocha 12 breaks the runner (the
//   whole gate runs on it), so the tests run on the same mocha here as in `npm test`.
// - mutation-testing-metrics and mutation-testing-report-schema 3.7.3, exactly: the versions core
//   9.6.1 itself depends on, so scripts/mutation/gate.ts scores modules as Stryker's report does.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const mocha12Cli = fileURLToPath(new URL('./scripts/mutation/mocha12_cli.cjs', import.meta.url));
createRequire(import.meta.url)(mocha12Cli);

/**
 * The modules the gate holds to its per-module threshold (scripts/mutation/gate.ts). The one list:
 * add a module here, or follow a moved file here, and the gate follows.
 */
export const SECURITY_MODULES = [
  // Which request is whose: the one reading of a request target, and the route it decides.
  'src/proxy/request_target.ts',
  'src/proxy/guard.ts',
  'src/security/csrf.ts',
  'src/security/keyring.ts',
  'src/security/device_credential.ts',
  'src/security/limits.ts',
  // The credentials typed, and the one key per user they are counted and stored under.
  'src/identity/read_credentials.ts',
  'src/identity/user_names.ts',
  // The login's answer: its shape, the token PIN's, and each guess counted against the limits.
  'src/login/read/read_answer.ts',
  'src/login/read/read_token_pin.ts',
  'src/login/answers.ts',
  // The one way to the gateway's login, and where the browser goes after it.
  'src/gateway/replay.ts',
  'src/gateway/safe_location.ts',
  'src/flows/engine.ts',
];

/** The mutation score (percent, equivalents counted as killed) each gated module must reach. */
export const MODULE_BREAK = 90;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: SECURITY_MODULES,
  testRunner: 'mocha',
  // Each mutant runs only the tests that reached it in the first, instrumented run.
  coverageAnalysis: 'perTest',
  // The tests of the gated modules and of the features built on them; none needs a browser. Not
  // test/e2e (chromium), nor the stores', directory's, configuration's, operations' and demo's
  // tests, which start real servers and assert little about the gated code. .mocharc.json's
  // extension applies; its node-option does not reach Stryker's runners (hence tsx below), nor
  // its timeout (hence the root hook).
  mochaOptions: {
    require: ['./scripts/mutation/mocha_test_timeout.cjs'],
    // Mocha runs the files in this order and a mutant's run stops at its first failing test, so
    // the quick tests that pin each module come first.
    spec: [
      'test/security/unit/**/*.test.ts',
      'test/identity/**/*.test.ts',
      'test/proxy/guard.test.ts',
      'test/login/read_answer.test.ts',
      'test/flows/engine.test.ts',
      // The limits' and user names' settings: their bounds, and the reference made from them.
      'test/config/load.test.ts',
      'test/config/reference.test.ts',
      'test/security/**/*.test.ts',
      'test/proxy/**/*.test.ts',
      'test/login/**/*.test.ts',
      'test/manage/**/*.test.ts',
      'test/flows/**/*.test.ts',
    ],
    ignore: [
      // 3,000 requests that prove only "no 5xx, no crash"; the tests above assert what each gets.
      'test/security/fuzz.test.ts',
      // Thousands of posts; test/security/unit/limits.test.ts proves the same rules directly.
      'test/security/limits.test.ts',
      // The CLI in a child process, which no mutant reaches; the keyring's rotation is unit-tested.
      'test/security/secrets.test.ts',
    ],
  },
  testRunnerNodeArgs: ['--require', mocha12Cli, '--import', 'tsx'],
  // A mutant of code that runs only as a module loads (a constant, a schema, a regular expression
  // built once) is "static": no test's coverage can be told apart, so it would run every test, and
  // such mutants were over two thirds of the run's time: reported as Ignored, out of the score. This
  // holds only while no test import()s project code (test/mutation/gate.test.ts): that loads a
  // second copy whose load-time code counts as that test's coverage (README, "Mutation testing").
  ignoreStatic: true,
  // A mutant run that outlasts 3 times its tests' time in the first run (plus 5 s) counts as a
  // timeout, which counts as killed. Stryker's 1.5 turned dozens of survivors into timeouts on a
  // busy two-core machine; a test that hangs fails at its own mocha timeout instead (above).
  timeoutFactor: 3,
  // Stryker starts a checker process even with no checkers, and it loads every plugin too.
  checkerNodeArgs: ['--require', mocha12Cli],
  // The gate's threshold is per module (scripts/mutation/gate.ts); Stryker's own is global.
  thresholds: { high: 95, low: MODULE_BREAK, break: null },
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { logTests: false },
  // Committed, so that `--incremental` on a clean clone tests again only the mutants whose code or
  // covering tests changed since it was last written.
  incrementalFile: 'test/mutation/stryker-incremental.json',
  ignorePatterns: ['/test-artifacts', '/bench', '/dist', '/scratch'],
  tempDirName: '.stryker-tmp',
};
