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
if [ $# -eq 0 ]; then set -- 'test/**/*.test.ts'; fi
npx mocha "$@"
