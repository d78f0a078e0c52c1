import { expect } from 'chai';
import { z } from 'zod';
import { ACTIONS, flowsSchema, SECOND_FACTOR_ACTIONS } from '../../src/flows/schema.js';

type JsonSchema = { description?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: JsonSchema | boolean };

describe('flows configuration schema (src/flows/schema.ts)', () => {
  it('documents every key with .describe()', () => {
    const undocumented: string[] = [];
    const walk = (node: JsonSchema, path: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (!child.description) undocumented.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      if (node.items) walk(node.items, `${path}[]`);
      if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${path}.<name>`);
    };
    walk(z.toJSONSchema(flowsSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema, 'flows');
    expect(undocumented).to.deep.equal([]);
  });

  it('fills the defaults', () => {
    const parsed = flowsSchema.parse({ entry: 'a', factors: { a: { policies: [{ rule: 'true', action: 'PUSH' }] } } });
    expect(parsed).to.deep.equal({
      requireSecondFactor: true, timeZone: 'UTC', entry: 'a',
      factors: { a: { policies: [{ rule: 'true', action: 'PUSH', allowNoSecondFactor: false, allowCode: false }] } },
    });
  });

  it('takes allowCode on a PUSH policy only', () => {
    const flow = (action: string) => ({ entry: 'a', factors: { a: { policies: [{ rule: 'true', action, allowCode: true }] } } });
    expect(flowsSchema.safeParse(flow('PUSH')).success).to.equal(true);
    const refused = flowsSchema.safeParse(flow('OTP_CODE'));
    expect(refused.success).to.equal(false);
    expect(refused.error?.issues.map((i) => [i.path.join('.'), i.message])).to.deep.equal([['factors.a.policies.0.allowCode', 'only a PUSH policy can take a typed code']]);
  });

  it('knows the nine actions, five of them second factors', () => {
    expect(ACTIONS).to.deep.equal(['GATEWAY_PASSWORD', 'GATEWAY_PASSWORD_AT_REPLAY', 'LDAP_BIND', 'ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'PUSH', 'OTP_CODE', 'WEBAUTHN', 'NO_AUTHN']);
    expect([...SECOND_FACTOR_ACTIONS]).to.deep.equal(['ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'PUSH', 'OTP_CODE', 'WEBAUTHN']);
  });

  it('bounds what a configuration may hold', () => {
    const policies = (n: number) => Array.from({ length: n }, () => ({ rule: 'true', action: 'PUSH' }));
    expect(flowsSchema.safeParse({ entry: 'a', factors: { a: { policies: policies(21) } } }).success).to.equal(false);
    const factors = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, { policies: policies(1) }]));
    expect(flowsSchema.safeParse({ entry: 'f0', factors }).error?.issues[0]?.message).to.equal('at most 50 factors');
    expect(flowsSchema.safeParse({ entry: 'x'.repeat(65), factors: {} }).success).to.equal(false);
  });
});
