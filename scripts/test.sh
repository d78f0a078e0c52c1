#!/usr/bin/env bash
# The whole test suite, as CI runs it: system packages, build, typecheck, then every mocha test
# (unit, integration, simulators, browser end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-packages.sh
[ -d node_modules ] || npm ci
npx tsc -p tsconfig.json
# CI_TESTS_ONLY=1 (CI's second run, on another Node.js): the checks that do not depend on
# the runtime ran already.
if [ -z "${CI_TESTS_ONLY:-}" ]; then
  npx tsc -p test/tsconfig.json --noEmit
  npx tsc -p bench/tsconfig.json --noEmit
  # typescript-eslint's type-aware rules and the architecture's import boundaries (eslint.boundaries.js)
  npx eslint src test bench scripts
fi
# The spec is given here, not in .mocharc.json: mocha adds the files named on its command line to
# a configured spec, so `npx mocha test/unit/x.test.ts` would otherwise run the whole suite.
whole_suite=no
if [ $# -eq 0 ]; then
  whole_suite=yes
  set -- 'test/**/*.test.ts'
  # CI's second run leaves out the browser checks of how pages look (axe-core, the width of a
  # phone's screen, the dialog under a hostile stylesheet): the pages are the same bytes on any
  # Node.js, and these walks are a fifth of a run. Every browser test of what the pages do runs.
  if [ -n "${CI_TESTS_ONLY:-}" ]; then
    set -- "$@" --ignore test/e2e/every_page.e2e.test.ts --ignore test/e2e/pages.e2e.test.ts --ignore test/e2e/portal_pages.e2e.test.ts
  fi
fi
npx mocha "$@"
# The mutation gate (`npm run test:mutation`, README "Mutation testing"), after the whole suite
# passed and once per CI run (not in the CI_TESTS_ONLY run): from the committed results, it tests
# again only what changed since, and fails a stale results file (more than 40 mutants to test
# again) or a module under its threshold.
if [ "$whole_suite" = yes ] && [ -z "${CI_TESTS_ONLY:-}" ]; then
  bash scripts/test-mutation.sh --ci
fi
