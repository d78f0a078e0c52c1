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
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
npx mocha "$@"
# The mutation gate (`npm run test:mutation`, README "Mutation testing") is not run here yet:
# every gated module holds 90% in the committed results, but CSRF and the flow engine changed
# since they were written. Once they are refreshed, CI runs `bash scripts/test-mutation.sh --ci`
# after the whole suite, once (not in the CI_TESTS_ONLY run); it refuses a results file that would make it test more than 40 mutants again.
