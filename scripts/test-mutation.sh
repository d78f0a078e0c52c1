#!/usr/bin/env bash
# The mutation gate on the security modules (README, "Mutation testing"): Stryker in incremental
# mode, so that only mutants whose code or covering tests changed since
# test/mutation/stryker-incremental.json was written run again, then the per-module threshold.
# Extra arguments go to Stryker: `--force` runs every mutant again, `--force --mutate src/x.ts`
# every mutant of one module (the others keep their results in the incremental file).
# `--ci` (first, alone; scripts/test.sh): when no gated module, test file or setting changed since
# the incremental file was written, its results are checked as they are (Stryker would test no
# mutant again); else stryker.ci.config.mjs, which refuses a stale incremental file instead of
# testing more than a small change's mutants.
set -euo pipefail
cd "$(dirname "$0")/.."

config=stryker.config.mjs
if [ "${1:-}" = --ci ]; then
  config=stryker.ci.config.mjs
  shift
  if npx tsx scripts/mutation/unchanged.ts; then
    exec npx tsx scripts/mutation/check.ts test/mutation/stryker-incremental.json
  fi
fi
npx stryker run "$config" --incremental "$@"
npx tsx scripts/mutation/check.ts
