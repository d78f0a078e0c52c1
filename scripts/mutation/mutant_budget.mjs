// @ts-check
// A Stryker reporter that stops the run before any mutant is tested when the incremental file
// would make it test more than `mutantBudget.maxRuns` mutants again: CI's mutation gate
// (stryker.ci.config.mjs) then costs its dry run and at most that many mutant runs, and a stale
// test/mutation/stryker-incremental.json fails with what to do instead of taking an hour.
import { PlanKind } from '@stryker-mutator/api/core';
import { PluginKind, commonTokens, declareClassPlugin } from '@stryker-mutator/api/plugin';

export const strykerValidationSchema = {
  $schema: 'http://json-schema.org/draft-07/schema',
  type: 'object',
  properties: {
    mutantBudget: {
      type: 'object',
      additionalProperties: false,
      properties: { maxRuns: { type: 'integer', minimum: 0 } },
      required: ['maxRuns'],
    },
  },
};

/** @typedef {{ mutantBudget?: { maxRuns: number } }} BudgetOptions */

class MutantBudgetReporter {
  static inject = /** @type {const} */ ([commonTokens.options]);

  /** @param {import('@stryker-mutator/api/core').StrykerOptions & BudgetOptions} options */
  constructor(options) {
    this.options = options;
  }

  /** @param {import('@stryker-mutator/api/report').MutationTestingPlanReadyEvent} event */
  onMutationTestingPlanReady({ mutantPlans }) {
    const budget = this.options.mutantBudget;
    if (budget === undefined) return;
    const runs = mutantPlans.filter((plan) => plan.plan === PlanKind.Run).length;
    if (runs <= budget.maxRuns) return;
    // Stryker catches what a reporter throws, so the run is stopped here; its exit handler ends
    // the test runners.
    process.stderr.write(
      `\nmutation gate: ${runs} of ${mutantPlans.length} mutants would be tested again, more than the ${budget.maxRuns} CI allows:\n`
      + `${this.options.incrementalFile} is stale (a gated module or its tests changed since it was written).\n`
      + 'Refresh it with `npm run test:mutation` and commit it with your change.\n',
    );
    process.exit(1);
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.Reporter, 'mutant-budget', MutantBudgetReporter)];
