#!/usr/bin/env bash
# The whole test suite, as CI runs it: system packages, build, typecheck, then every mocha test
# (unit, integration, simulators, browser end-to-end).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-system-packages.sh
[ -d node_modules ] || npm ci
npx tsc -p tsconfig.json
npx tsc -p test/tsconfig.json --noEmit
npx tsc -p bench/tsconfig.json --noEmit
# typescript-eslint's type-aware rules and the architecture's import boundaries (eslint.boundaries.js)
npx eslint src test bench
# The spec is given here, not in .mocharc.json: mocha adds the files named on its command line to
# a configured spec, so `npx mocha test/unit/x.test.ts` would otherwise run the whole suite.
whole_suite=false
if [ $# -eq 0 ]; then whole_suite=true; set -- 'test/**/*.test.ts'; fi
npx mocha "$@"
# The mutation gate on the security modules, against the committed incremental results: it tests
# again only the mutants a change touched, and refuses a stale results file (README, "Mutation
# testing"). Only with the whole suite.
if $whole_suite; then bash scripts/test-mutation.sh --ci; fi
