import { expect } from 'chai';
import { policyRule, providerChoice } from '../../src/flows/index.js';
import type { RuleFacts } from '../../src/flows/index.js';
import { testConfig } from '../helpers/config.js';

const facts = (name: string, realm = '', ip = '192.0.2.7'): RuleFacts => ({
  client: { ip }, user: { name, realm }, headers: {}, now: 0, device: { presented: false, accepted: false },
});

describe('provider policies as rules (src/flows/provider_policies.ts)', () => {
  it('writes each policy as the rule it stands for, quoting what it quotes', () => {
    expect(policyRule({ use: 'push' })).to.equal('true');
    expect(policyRule({ users: ['admin-*', "o'brien"], realms: ['CORP', 'Eu'], subnets: ['10.0.0.0/8'], use: 'push' }))
      .to.equal("user.name matches ['admin-*', 'o\\'brien'] and (user.realm == 'corp' or user.realm == 'eu') and client.ip in ['10.0.0.0/8']");
  });

  it('chooses the first policy whose every criterion holds, else the default', () => {
    const choose = providerChoice([
      { users: ['admin-*'], subnets: ['10.0.0.0/8'], use: 'push' },
      { realms: ['CORP'], use: 'totp' },
    ], 'anakam');
    expect(choose(facts('admin-bob', '', '10.1.2.3'))).to.equal('push');
    expect(choose(facts('admin-bob', '', '192.0.2.7')), 'the subnet must hold too').to.equal('anakam');
    expect(choose(facts('ADMIN-BOB', '', '10.1.2.3')), 'globs ignore case, as in every rule').to.equal('push');
    expect(choose(facts('carol', 'corp'))).to.equal('totp');
    expect(choose(facts('carol', ''))).to.equal('anakam');
    expect(choose(facts('admin-bob', 'corp', 'unknown')), 'an unknown address is in no subnet').to.equal('totp');
  });

  it('reads a backslash in a glob literally, as every rule does (DOMAIN\\user)', () => {
    const choose = providerChoice([{ users: ['corp\\*'], use: 'push' }], 'anakam');
    expect(choose(facts('corp\\alice'))).to.equal('push');
    expect(choose(facts('corpx'))).to.equal('anakam');
  });

  it('refuses a policy that is no valid rule at start-up, naming it', () => {
    expect(() => providerChoice([{ use: 'push' }, { subnets: ['not-an-address'], use: 'push' }], 'anakam')).to.throw(/providers\.policies\.1: not an address or CIDR/);
  });
});

describe('provider policies in the configuration', () => {
  it('are checked as rules when the configuration loads, each problem at its dotted path', () => {
    expect(() => testConfig('http://127.0.0.1:9', { providers: { policies: [{ subnets: ['10.0.0.0/33'], use: 'anakam' }] } }))
      .to.throw(/providers\.policies\.0: not an address or CIDR/);
  });
});
