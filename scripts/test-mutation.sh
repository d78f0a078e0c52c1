#!/usr/bin/env bash
# The mutation gate on the security modules (README, "Mutation testing"): Stryker in incremental
# mode, so that only mutants whose code or covering tests changed since
# test/mutation/stryker-incremental.json was written run again, then the per-module threshold.
# Extra arguments go to Stryker: `--force` runs every mutant again, `--force --mutate src/x.ts`
# every mutant of one module (the others keep their results in the incremental file).
set -euo pipefail
cd "$(dirname "$0")/.."

npx stryker run --incremental "$@"
npx tsx scripts/mutation/check.ts
