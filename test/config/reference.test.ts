import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { configReference } from '../../src/config/reference.js';

describe('configuration reference', () => {
  it('docs/configuration.md is what the schema generates (run `npm run docs:config` after changing the schema)', () => {
    expect(readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8')).to.equal(configReference());
  });

  it('lists every required setting with its environment variable', () => {
    const reference = configReference();
    for (const variable of ['FACTORGATE_GATEWAY_URL', 'FACTORGATE_SECRET']) {
      expect(reference).to.match(new RegExp(`\\| \`${variable}\` \\| required \\|`));
    }
  });

  it('says the two-factor server\'s keys are required only once an anakam section is given', () => {
    const reference = configReference();
    for (const variable of ['FACTORGATE_ANAKAM_BASE_URL', 'FACTORGATE_ANAKAM_API_USER', 'FACTORGATE_ANAKAM_API_PASSWORD']) {
      expect(reference).to.match(new RegExp(`\\| \`${variable}\` \\| required when \`anakam\` is given \\|`));
    }
    expect(reference).to.match(/\| `FACTORGATE_LINOTP_URLS` \| required when `linotp` is given \|/);
  });

  it('says in words which defaults depend on the anakam section', () => {
    const reference = configReference();
    expect(reference).to.match(/\| `FACTORGATE_PROVIDERS_DEFAULT` \| `"anakam"` with an `anakam` section, else `"totp"` \|/);
    expect(reference).to.match(/\| `FACTORGATE_OTP_ENABLED` \| `true` when `providers` use `totp` [^|]*, else `false` \|/);
  });
});
