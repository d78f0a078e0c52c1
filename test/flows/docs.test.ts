import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { FUNCTIONS, VARIABLES } from '../../src/flows/rules.js';
import { ACTIONS } from '../../src/flows/schema.js';

// fixtures/flows/README.md is the administrator's reference to the rule language: it must not
// drift from the closed set of names the parser knows.
describe('flows reference (fixtures/flows/README.md)', () => {
  const readme = readFileSync(new URL('../../fixtures/flows/README.md', import.meta.url), 'utf8');

  it('documents every name, function and action there is', () => {
    for (const name of VARIABLES.keys()) expect(readme).to.contain(`| \`${name}\` |`);
    for (const { signature } of FUNCTIONS.values()) expect(readme).to.contain(`| \`${signature}\` |`);
    for (const action of ACTIONS) expect(readme).to.contain(`| \`${action}\` |`);
  });

  it('documents no name the parser does not know', () => {
    const names = readme.slice(readme.indexOf('\nNames:'), readme.indexOf('\nFunctions:'));
    const documented = [...names.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
    expect(documented).to.deep.equal([...VARIABLES.keys()]);
  });
});
