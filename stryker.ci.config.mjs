// @ts-check
// CI's mutation gate (scripts/test.sh): the gate's configuration in incremental mode, with a budget
// of mutants to test again. Within it, CI keeps the gate current on every change to a gated module
// or its tests; beyond it, the committed incremental file is stale and the run stops at once, asking
// for `npm run test:mutation` (scripts/mutation/mutant_budget.mjs).
import config from './stryker.config.mjs';

/** Mutants CI may test again: a small change's, at a few seconds each on two busy cores. */
export const CI_MAX_MUTANT_RUNS = 40;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions & { mutantBudget: { maxRuns: number } }} */
export default {
  ...config,
  incremental: true,
  appendPlugins: ['./scripts/mutation/mutant_budget.mjs'],
  reporters: ['json', 'clear-text', 'mutant-budget'],
  mutantBudget: { maxRuns: CI_MAX_MUTANT_RUNS },
};
