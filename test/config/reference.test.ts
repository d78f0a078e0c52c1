import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { configReference } from '../../src/config/reference.js';

describe('configuration reference', () => {
  it('docs/configuration.md is what the schema generates (run `npm run docs:config` after changing the schema)', () => {
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).to.equal(configReference());
  });

  it('lists every required setting with its environment variable', () => {
    const reference = configReference();
    for (const variable of ['FACTORGATE_GATEWAY_URL', 'FACTORGATE_TFA_BASE_URL', 'FACTORGATE_TFA_API_USER', 'FACTORGATE_TFA_API_PASSWORD', 'FACTORGATE_SECRET']) {
      expect(reference).to.match(new RegExp(`\\| \`${variable}\` \\| required \\|`));
    }
  });
});
