import { expect } from 'chai';
import fc from 'fast-check';
import { compileRule, evaluateRule, type RuleContext } from '../../src/flows/rules.js';
import { isGroup } from '../../src/flows/rules/evaluate.js';
import { facts, MONDAY_10_UTC } from './helpers.js';

const context = (overrides: Partial<RuleContext> = {}): RuleContext => ({ ...facts(), succeeded: [], ...overrides });

function holds(source: string, ctx: RuleContext, timeZone?: string): boolean {
  const result = compileRule(source, { timeZone });
  if (!result.ok) throw new Error(`${source}: ${result.error.message}`);
  return evaluateRule(result.rule, ctx);
}

describe('flow rules: evaluation (src/flows/rules.ts)', () => {
  it('true holds, false does not; and, or, not as in logic', () => {
    const ctx = context();
    expect(holds('true', ctx)).to.equal(true);
    expect(holds('false', ctx)).to.equal(false);
    expect([holds('true and false', ctx), holds('true or false', ctx), holds('not false', ctx)]).to.deep.equal([false, true, true]);
  });

  describe('client.ip', () => {
    it('tests subnets and single addresses, IPv4, IPv6 and IPv4-mapped', () => {
      const rule = "client.ip in ['10.0.0.0/8', '2001:db8::/32', '192.0.2.1']";
      expect(holds(rule, context({ client: { ip: '10.20.30.40' } }))).to.equal(true);
      expect(holds(rule, context({ client: { ip: '::ffff:10.1.1.1' } }))).to.equal(true);
      expect(holds(rule, context({ client: { ip: '2001:db8::5' } }))).to.equal(true);
      expect(holds(rule, context({ client: { ip: '192.0.2.1' } }))).to.equal(true);
      expect(holds(rule, context({ client: { ip: '192.0.2.2' } }))).to.equal(false);
      expect(holds(rule, context({ client: { ip: '11.0.0.1' } }))).to.equal(false);
    });

    it('an unknown or malformed address is in no subnet, and not outside one either', () => {
      for (const ip of ['unknown', '', 'not-an-ip', '10.0.0.0/8', '999.1.1.1']) {
        const ctx = context({ client: { ip } });
        expect(holds("client.ip in ['0.0.0.0/1', '128.0.0.0/1', '::/1']", ctx), ip).to.equal(false);
        expect(holds("client.ip == '10.0.0.1'", ctx), ip).to.equal(false);
      }
      expect(holds("client.ip != '10.0.0.1'", context({ client: { ip: 'unknown' } }))).to.equal(false);
      expect(holds("not client.ip in '10.0.0.0/8'", context({ client: { ip: 'unknown' } }))).to.equal(true);
    });
  });

  describe('user.name and user.realm', () => {
    it('matches globs case-insensitively; == is exact', () => {
      const ctx = context({ user: { name: 'Admin-Bob' } });
      expect(holds("user.name matches 'admin-*'", ctx)).to.equal(true);
      expect(holds("user.name matches ['root', 'admin-b?b']", ctx)).to.equal(true);
      expect(holds("user.name matches 'admin-[a-c]ob'", ctx)).to.equal(true);
      expect(holds("user.name matches '{root,admin-bob}'", ctx)).to.equal(true);
      expect(holds("user.name matches 'bob'", ctx)).to.equal(false);
      expect(holds("user.name == 'admin-bob'", ctx)).to.equal(false);
      expect(holds("user.name == 'Admin-Bob'", ctx)).to.equal(true);
    });

    it('takes a backslash literally (DOMAIN\\user), lets * cross / and ., and has no ! negation', () => {
      expect(holds("user.name matches 'CORP\\\\*'", context({ user: { name: 'corp\\bob' } }))).to.equal(true);
      expect(holds("user.name matches 'CORP\\\\*'", context({ user: { name: 'OTHER\\bob' } }))).to.equal(false);
      expect(holds("user.name matches '*'", context({ user: { name: 'a/b.c' } }))).to.equal(true);
      expect(holds("user.name matches '*'", context({ user: { name: '.hidden' } }))).to.equal(true);
      expect(holds("user.name matches '!admin'", context({ user: { name: 'bob' } }))).to.equal(false);
      expect(holds("user.name matches '!admin'", context({ user: { name: '!admin' } }))).to.equal(true);
    });

    it('reads the realm the user names module found (the name itself is the key, without it)', () => {
      expect(holds("user.realm == 'corp'", context({ user: { name: 'bob', realm: 'corp' } }))).to.equal(true);
      expect(holds("user.realm matches 'example.*'", context({ user: { name: 'bob', realm: 'example.com' } }))).to.equal(true);
      expect(holds("user.realm == ''", context({ user: { name: 'bob', realm: '' } }))).to.equal(true);
      expect(holds("user.realm == ''", context({ user: { name: 'bob' } }))).to.equal(false);
    });
  });

  describe('user.groups', () => {
    const ctx = context({ user: { name: 'bob', groups: ['cn=Administrators,ou=groups,dc=example,dc=org', 'staff', 'cn=VPN\\, remote,ou=groups,dc=example,dc=org'] } });

    it('contains a group by its whole value or the first RDN of its DN, case-insensitively', () => {
      expect(holds("user.groups contains 'administrators'", ctx)).to.equal(true);
      expect(holds("user.groups contains 'CN=Administrators,OU=groups,DC=example,DC=org'", ctx)).to.equal(true);
      expect(holds("user.groups contains 'staff'", ctx)).to.equal(true);
      expect(holds("user.groups contains 'VPN, remote'", ctx)).to.equal(true);
      expect(holds("user.groups contains 'groups'", ctx)).to.equal(false);
      expect(holds("user.groups contains 'admin'", ctx)).to.equal(false);
    });

    it('contains nothing while unknown (no LDAP_BIND yet)', () => {
      expect(holds("user.groups contains 'staff'", context({ user: { name: 'bob' } }))).to.equal(false);
      expect(holds("not user.groups contains 'staff'", context({ user: { name: 'bob' } }))).to.equal(true);
    });

    it('reads hex escapes in a DN', () => {
      expect(isGroup('cn=a\\2Cb,dc=x', 'a,b')).to.equal(true);
      expect(isGroup('not a dn', 'not a dn')).to.equal(true);
      expect(isGroup('=x,dc=y', 'x')).to.equal(false);
    });
  });

  describe('header()', () => {
    it('reads a header by case-insensitive name; several values are joined', () => {
      const ctx = context({ headers: { 'x-foo': 'bar', 'x-list': ['a', 'b'] } });
      expect(holds("header('X-Foo') == 'bar'", ctx)).to.equal(true);
      expect(holds("header('x-foo') != 'baz'", ctx)).to.equal(true);
      expect(holds("header('X-List') == 'a, b'", ctx)).to.equal(true);
    });

    it('an absent header makes every comparison false, == and != alike', () => {
      const ctx = context({ headers: {} });
      expect(holds("header('X-Foo') == 'bar'", ctx)).to.equal(false);
      expect(holds("header('X-Foo') != 'bar'", ctx)).to.equal(false);
      expect(holds("header('X-Foo') matches '*'", ctx)).to.equal(false);
      expect(holds("not header('X-Foo') == 'bar'", ctx)).to.equal(true);
    });

    it('does not read inherited properties: __proto__ and constructor are absent', () => {
      const ctx = context({ headers: {} });
      expect(holds("header('constructor') matches '*'", ctx)).to.equal(false);
      expect(holds("header('__proto__') matches '*'", ctx)).to.equal(false);
      expect(holds("header('toString') matches '*'", ctx)).to.equal(false);
    });
  });

  describe('time', () => {
    it('is UTC by default: hour, minute, ISO weekday (1 = Monday)', () => {
      const ctx = context({ now: MONDAY_10_UTC + 5 * 60_000 });
      expect(holds('time.hour == 10 and time.minute == 5 and time.weekday == 1', ctx)).to.equal(true);
      expect(holds('time.hour >= 8 and time.hour < 18', ctx)).to.equal(true);
      expect(holds('time.weekday >= 6', context({ now: Date.UTC(2024, 0, 7, 12) }))).to.equal(true); // a Sunday
      expect(holds('time.hour == 0', context({ now: Date.UTC(2024, 0, 1, 0, 0) }))).to.equal(true); // not 24
    });

    it('follows the flow\'s time zone, daylight saving time included', () => {
      expect(holds('time.hour == 11', context({ now: MONDAY_10_UTC }), 'Europe/Berlin')).to.equal(true); // UTC+1 in winter
      expect(holds('time.hour == 12', context({ now: Date.UTC(2024, 6, 1, 10) }), 'Europe/Berlin')).to.equal(true); // UTC+2 in summer
      expect(holds('time.weekday == 7 and time.hour == 23', context({ now: MONDAY_10_UTC }), 'Pacific/Pago_Pago')).to.equal(true); // UTC-11: still Sunday
    });

    it('no usable time makes time comparisons false', () => {
      for (const now of [Number.NaN, Number.POSITIVE_INFINITY, 1e20, '10' as unknown as number]) {
        expect(holds('time.hour >= 0', context({ now }))).to.equal(false);
        expect(holds('time.hour < 24', context({ now }))).to.equal(false);
      }
    });
  });

  it('device.presented and device.accepted are true only when exactly true', () => {
    expect(holds('device.presented and not device.accepted', context({ device: { presented: true, accepted: false } }))).to.equal(true);
    expect(holds('device.accepted', context({ device: { presented: true, accepted: 'yes' as unknown as boolean } }))).to.equal(false);
    expect(holds('device.accepted == false', context({ device: { presented: false, accepted: false } }))).to.equal(true);
  });

  it("factor('x').succeeded reads the factors that succeeded", () => {
    expect(holds("factor('password').succeeded", context({ succeeded: ['password'] }))).to.equal(true);
    expect(holds("factor('second').succeeded", context({ succeeded: ['password'] }))).to.equal(false);
  });

  it('is pure: the same context gives the same answer, and is not changed', () => {
    const ctx = context({ user: { name: 'bob', groups: ['staff'] }, headers: { 'x-a': 'b' } });
    const frozen = structuredClone(ctx);
    const deepFreeze = (o: unknown): void => {
      if (typeof o === 'object' && o !== null) {
        Object.freeze(o);
        Object.values(o).forEach(deepFreeze);
      }
    };
    deepFreeze(ctx);
    const rule = "user.groups contains 'staff' and header('X-A') == 'b' and time.hour == 10 and not device.presented";
    expect(holds(rule, ctx)).to.equal(true);
    expect(holds(rule, ctx)).to.equal(true);
    expect(ctx).to.deep.equal(frozen);
  });

  it('is total: a missing, malformed or hostile context never throws, it only makes things absent', () => {
    const rules = [
      "client.ip in '10.0.0.0/8'", "user.name matches 'a*'", "user.realm == 'x'", "user.groups contains 'x'", "header('x') == 'y'",
      'time.hour >= 0', 'time.weekday == 1', 'device.presented', 'device.accepted', "factor('f').succeeded", "not header('x') == 'y'",
    ].map((source) => {
      const result = compileRule(source);
      if (!result.ok) throw new Error(source);
      return result.rule;
    });
    const hostile = [
      undefined, null, 42, 'text', [], {}, { client: null, user: null, headers: null, device: null, succeeded: null },
      { client: { ip: 42 }, user: { name: ['a'], groups: 'admins' }, headers: { x: 42 }, now: 'now', device: { presented: 1 }, succeeded: 'f' },
      { user: { groups: [1, null, {}, 'x'] }, headers: { x: [1, 'y'] } },
      JSON.parse('{"__proto__": {"polluted": true}, "headers": {"__proto__": "y"}}'),
      Object.create({ client: { ip: '10.0.0.1' }, user: { name: 'a' } }), // inherited, not own: ignored
    ];
    for (const ctx of hostile) for (const rule of rules) expect(() => evaluateRule(rule, ctx as RuleContext)).not.to.throw();
    expect(evaluateRule(rules[0]!, Object.create({ client: { ip: '10.0.0.1' } }) as RuleContext)).to.equal(false);
    expect(evaluateRule(rules[3]!, hostile[8] as RuleContext)).to.equal(true); // the one string in the list counts
    fc.assert(fc.property(fc.anything(), (ctx) => {
      for (const rule of rules) evaluateRule(rule, ctx as RuleContext);
    }), { numRuns: 500 });
  });
});
