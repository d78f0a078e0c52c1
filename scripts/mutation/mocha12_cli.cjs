'use strict';
// @stryker-mutator/mocha-runner 9.x require()s mocha's CLI helpers by path without an extension
// (lib/cli/run-helpers, options, collect-files). mocha 12 renamed them to .cjs, which require()
// does not try, so the runner fails to load. Registering .cjs as a CommonJS extension (compiled
// exactly as require() compiles a .cjs file anyway) lets those paths resolve; a path that names
// its extension, or has a .js, .json or .node file, resolves as before.
// Loaded by stryker.config.mjs in Stryker's own process, and with --require in its child processes.
// Remove it once a mocha runner that finds the .cjs files itself runs on our Node.
require.extensions['.cjs'] = require.extensions['.js'];
