#!/usr/bin/env bash
# The mutation gate on the security modules (README, "Mutation testing"): Stryker in incremental
# mode, so that only mutants whose code or covering tests changed since
# test/mutation/stryker-incremental.json was written run again, then the per-module threshold.
# Extra arguments go to Stryker (`--force` runs every mutant again). Not `--mutate`: the
# incremental file would then hold that module only. To work on one module's survivors, run
# `npx stryker run --mutate src/x.ts` instead (no incremental file, no gate).
set -euo pipefail
cd "$(dirname "$0")/.."

npx stryker run --incremental "$@"
npx tsx scripts/mutation/check.ts
