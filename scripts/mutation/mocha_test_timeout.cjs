'use strict';
// Stryker's mocha runner turns mocha's default per-test timeout off (0), so a mutant that makes a
// test wait forever (a reply that never comes) hangs its whole run until Stryker's own timeout,
// which is sized from the run's expected time and is also where a busy machine's slow runs end up.
// This root hook gives each test still at 0 the timeout .mocharc.json sets for `npm test`; a suite
// or test that sets its own keeps it. Such a test then fails (the mutant is killed) within that
// time, and Stryker's timeout can be generous (stryker.config.mjs).
const { timeout } = require('../../.mocharc.json');

exports.mochaHooks = {
  beforeEach() {
    if (this.currentTest && this.currentTest.timeout() === 0) this.currentTest.timeout(timeout);
  },
};
