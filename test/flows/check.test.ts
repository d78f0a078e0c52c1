import { expect } from 'chai';
import { z } from 'zod';
import { checkedFlowsSchema, checkFlows, flowProblems, formatPath } from '../../src/flows/index.js';
import { flowFrom, flowOf, problemsOf } from './helpers.js';

// The everyday shape: password, then a passcode. Tests change one thing in it.
const good = () => flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'ANAKAM_PASSCODE']] });

describe('flow start-up checks (src/flows/check.ts)', () => {
  it('accepts a sound flow, with the defaults filled in', () => {
    const flow = flowOf(good());
    expect(flow.entry).to.equal('password');
    expect(flow.requireSecondFactor).to.equal(true);
    expect(flow.timeZone).to.equal('UTC');
    expect([...flow.factors.keys()]).to.deep.equal(['password', 'second']);
    expect(flow.factors.get('password')!.policies[0]).to.deep.include({ factor: 'password', index: 0, action: 'GATEWAY_PASSWORD', next: 'second', allowNoSecondFactor: false });
  });

  describe('unknown factors', () => {
    it('an unknown next factor is named by its dotted path', () => {
      const flow = good();
      (flow as any).factors.second.policies.unshift({ rule: 'true', action: 'PUSH', next: 'pushh' });
      expect(problemsOf(flow)).to.deep.equal(['flows.factors.second.policies[0].next: unknown factor "pushh"']);
    });

    it('an unknown entry factor', () => {
      expect(problemsOf({ ...good(), entry: 'pasword' })).to.deep.equal(['flows.entry: unknown factor "pasword"']);
    });

    it('names every object has are unknown factors all the same', () => {
      for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
        const flow = good();
        (flow as any).factors.password.policies[0].next = name;
        expect(problemsOf(flow), name).to.include(`flows.factors.password.policies[0].next: unknown factor "${name}"`);
        expect(problemsOf({ ...good(), entry: name }), name).to.deep.equal([`flows.entry: unknown factor "${name}"`]);
      }
    });

    it('a factor may be named constructor when it is defined', () => {
      const flow = flowOf({ entry: 'password', factors: {
        password: { policies: [{ rule: 'true', action: 'GATEWAY_PASSWORD', next: 'constructor' }] },
        constructor: { policies: [{ rule: "factor('password').succeeded", action: 'PUSH' }] },
      } });
      expect(flow.factors.get('constructor')!.policies[0]!.action).to.equal('PUSH');
    });

    it('names not starting with a letter cannot name a factor; a __proto__ key is dropped, never used', () => {
      const flow = JSON.parse('{"entry": "password", "factors": {"password": {"policies": [{"rule": "true", "action": "PUSH"}]}, "__proto__": {"policies": []}, "2fa": {"policies": []}}}');
      expect(problemsOf(flow)).to.deep.equal(['flows.factors.2fa: must be a factor name: a letter, then up to 63 letters, digits, _ or -']);
      delete flow.factors['2fa'];
      expect([...flowOf(flow).factors.keys()]).to.deep.equal(['password']);
      expect(({} as Record<string, unknown>).policies).to.equal(undefined); // nothing polluted
      expect(problemsOf({ ...good(), entry: '__proto__' })).to.deep.equal(['flows.entry: must be a factor name: a letter, then up to 63 letters, digits, _ or -']);
    });
  });

  it('unknown actions, listing the known ones', () => {
    const flow = good();
    (flow as any).factors.second.policies[0].action = 'ANAKAM_PASSCDE';
    expect(problemsOf(flow)).to.deep.equal([
      'flows.factors.second.policies[0].action: unknown action "ANAKAM_PASSCDE" (one of GATEWAY_PASSWORD, GATEWAY_PASSWORD_AT_REPLAY, LDAP_BIND, ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE, WEBAUTHN, NO_AUTHN)',
    ]);
  });

  it('rules that do not parse, with the column', () => {
    const flow = good();
    (flow as any).factors.second.policies[0].rule = "user.name matches 'a*' or";
    (flow as any).factors.password.policies[0].rule = "factor('passcode').succeeded";
    expect(problemsOf(flow)).to.deep.equal([
      'flows.factors.password.policies[0].rule: unknown factor "passcode" at column 8',
      'flows.factors.second.policies[0].rule: unexpected end of rule: a condition or value is missing at column 26',
    ]);
  });

  describe('cycles', () => {
    it('a factor that leads back to itself', () => {
      const flow = flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PUSH'], ['true', 'NO_AUTHN', 'second']] });
      expect(problemsOf(flow)).to.deep.equal(['flows.factors.second.policies[1].next: "second" closes a cycle: second → second']);
    });

    it('a longer cycle is reported once, where it closes', () => {
      const flow = flowFrom({ a: [['true', 'GATEWAY_PASSWORD', 'b']], b: [['device.presented', 'NO_AUTHN', 'c'], ['true', 'PUSH']], c: [['true', 'NO_AUTHN', 'a']] });
      expect(problemsOf(flow)).to.deep.equal(['flows.factors.c.policies[0].next: "a" closes a cycle: a → b → c → a']);
    });

    it('a cycle among unreachable factors too', () => {
      const flow = flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'ANAKAM_PASSCODE']], x: [['true', 'PUSH', 'y']], y: [['true', 'PUSH', 'x']] });
      expect(problemsOf(flow)).to.deep.equal([
        'flows.factors.y.policies[0].next: "x" closes a cycle: x → y → x',
        'flows.factors.x: unreachable from the entry factor "password"',
        'flows.factors.y: unreachable from the entry factor "password"',
      ]);
    });
  });

  it('factors unreachable from the entry', () => {
    const flow = flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'ANAKAM_PASSCODE']], spare: [['true', 'OTP_CODE']] });
    expect(problemsOf(flow)).to.deep.equal(['flows.factors.spare: unreachable from the entry factor "password"']);
  });

  describe('a second factor on every path', () => {
    const noSecond = (extra: Record<string, unknown> = {}) => flowFrom({
      password: [['true', 'LDAP_BIND', 'decide']],
      decide: [["client.ip in '10.0.0.0/8'", 'NO_AUTHN'], ['true', 'NO_AUTHN', 'second']],
      second: [['true', 'PUSH']],
    }, extra);

    it('a path that reaches done without one is refused, named step by step', () => {
      expect(problemsOf(noSecond())).to.deep.equal([
        'flows.factors.decide.policies[0]: reaches done without a second factor: password:LDAP_BIND → decide[0]:NO_AUTHN → done ' +
        '(add ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE, WEBAUTHN on this path, or set allowNoSecondFactor: true on one of its policies if that is intended)',
      ]);
    });

    it('every such path is reported', () => {
      const flow = flowFrom({ a: [['true', 'GATEWAY_PASSWORD', 'b'], ['true', 'LDAP_BIND', 'b']], b: [['device.accepted', 'NO_AUTHN'], ['true', 'OTP_CODE']] });
      expect(problemsOf(flow).map((p) => p.replace(/ \(add .*/, ''))).to.deep.equal([
        'flows.factors.b.policies[0]: reaches done without a second factor: a:GATEWAY_PASSWORD → b:NO_AUTHN → done',
        'flows.factors.b.policies[0]: reaches done without a second factor: a:LDAP_BIND → b:NO_AUTHN → done',
      ]);
    });

    it('allowNoSecondFactor on any policy of the path marks it as intended', () => {
      const onLast = noSecond();
      (onLast as any).factors.decide.policies[0].allowNoSecondFactor = true;
      expect(checkFlows(onLast).ok).to.equal(true);
      const onFirst = noSecond();
      (onFirst as any).factors.password.policies[0].allowNoSecondFactor = true;
      expect(checkFlows(onFirst).ok).to.equal(true);
    });

    it('is not asked for when requireSecondFactor is false', () => {
      expect(checkFlows(noSecond({ requireSecondFactor: false })).ok).to.equal(true);
    });

    it('each of ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH and OTP_CODE counts; the others do not', () => {
      for (const action of ['ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'PUSH', 'OTP_CODE']) {
        expect(checkFlows(flowFrom({ a: [['true', action]] })).ok, action).to.equal(true);
      }
      for (const action of ['GATEWAY_PASSWORD', 'LDAP_BIND', 'NO_AUTHN']) {
        expect(problemsOf(flowFrom({ a: [['true', action]] })), action).to.have.length(1);
      }
    });

    it('a path through an unknown action is left to that problem, not reported twice', () => {
      expect(problemsOf(flowFrom({ a: [['true', 'GATEWAY_PASSWORD', 'b']], b: [['true', 'PUSHH']] }))).to.have.length(1);
    });
  });

  it('the entry factor cannot have a login schema: the gateway\'s page is its form', () => {
    const flow = good();
    (flow as any).factors.password.loginSchema = { fields: [{ name: 'pin', label: 'PIN', type: 'password' }] };
    expect(problemsOf(flow)).to.deep.equal([
      'flows.factors.password.loginSchema: the entry factor runs on the gateway\'s login form and cannot have a login schema; ask in a factor after it',
    ]);
  });

  it('policies after an unconditional NO_AUTHN can never be tried', () => {
    const flow = flowFrom({ a: [['true', 'GATEWAY_PASSWORD', 'b']], b: [['(true)', 'NO_AUTHN', 'c'], ['true', 'PUSH'], ['device.accepted', 'ANAKAM_DEVICE']], c: [['true', 'PUSH']] });
    expect(problemsOf(flow)).to.deep.equal([
      'flows.factors.b.policies[1]: never tried: policy 0 before it has rule true and action NO_AUTHN, so it always wins',
      'flows.factors.b.policies[2]: never tried: policy 0 before it has rule true and action NO_AUTHN, so it always wins',
    ]);
  });

  it('a flow with too many paths to review is refused', () => {
    // 9 factors of two policies each, chained: 2^9 = 512 paths.
    const factors: Record<string, Array<[string, string, string?]>> = {};
    for (let i = 0; i < 9; i++) factors[`f${i}`] = [['true', 'PUSH', i < 8 ? `f${i + 1}` : undefined], ['true', 'OTP_CODE', i < 8 ? `f${i + 1}` : undefined]];
    expect(problemsOf(flowFrom(factors))).to.deep.equal(['flows.factors: too many paths from the entry factor to review (at most 256): simplify the flow']);
  });

  describe('the shape', () => {
    it('reports missing and malformed keys by dotted path', () => {
      expect(problemsOf({})).to.deep.equal(['flows.entry: required', 'flows.factors: required']);
      expect(problemsOf({ entry: 'a', factors: [] })[0]).to.match(/^flows\.factors: Invalid input: expected record/);
      expect(problemsOf(null)[0]).to.match(/^flows: Invalid input: expected object/);
      expect(problemsOf(flowFrom({ a: [] }))).to.deep.equal(['flows.factors.a.policies: a factor needs at least one policy']);
      expect(problemsOf({ ...good(), timeZone: 'Mars/Olympus' })).to.deep.equal(['flows.timeZone: must be an IANA time zone, e.g. Europe/Berlin']);
      expect(problemsOf(flowFrom({ a: [['', 'PUSH']] }))).to.deep.equal(['flows.factors.a.policies[0].rule: must not be empty (write true for "always")']);
      expect(problemsOf(flowFrom({ a: [['true or '.repeat(200) + 'true', 'PUSH']] }))[0]).to.match(/^flows\.factors\.a\.policies\[0\]\.rule: Too big/);
    });

    it('takes YAML\'s bare true and false as the rules true and false', () => {
      const flow = flowOf({ entry: 'a', factors: { a: { policies: [{ rule: false, action: 'PUSH' }, { rule: true, action: 'OTP_CODE' }] } } });
      expect(flow.factors.get('a')!.policies.map((p) => p.rule.source)).to.deep.equal(['false', 'true']);
    });

    it('checks login schemas: field names, duplicates, reserved names, types', () => {
      const flow = good();
      (flow as any).factors.second.loginSchema = { fields: [
        { name: 'code', label: 'Code', type: 'otp' },
        { name: 'code', label: 'Again', type: 'otp' },
        { name: 'csrf', label: 'x', type: 'text' },
        { name: 'fg_x', label: 'x', type: 'text' },
        { name: 'bad name', label: 'x', type: 'text' },
        { name: 'ok', label: '', type: 'radio' },
      ] };
      expect(problemsOf(flow)).to.deep.equal([
        'flows.factors.second.loginSchema.fields[2].name: is reserved for factorgate\'s own pages',
        'flows.factors.second.loginSchema.fields[3].name: is reserved for factorgate\'s own pages',
        'flows.factors.second.loginSchema.fields[4].name: must be a form field name: a letter, then letters, digits or _',
        'flows.factors.second.loginSchema.fields[5].label: Too small: expected string to have >=1 characters',
        'flows.factors.second.loginSchema.fields[5].type: Invalid option: expected one of "text"|"password"|"otp"|"checkbox"',
      ]);
      (flow as any).factors.second.loginSchema.fields.splice(2);
      expect(problemsOf(flow)).to.deep.equal(['flows.factors.second.loginSchema.fields[1].name: duplicate field "code"']);
    });
  });

  it('reports shape and graph problems together in one run', () => {
    const flow = flowFrom({ password: [['true', 'GATEWAY_PASSWORD', 'second']], second: [['true', 'PASSCODE', 'third']], spare: [['user.nmae', 'PUSH']] });
    expect(problemsOf(flow)).to.deep.equal([
      'flows.factors.second.policies[0].action: unknown action "PASSCODE" (one of GATEWAY_PASSWORD, GATEWAY_PASSWORD_AT_REPLAY, LDAP_BIND, ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE, WEBAUTHN, NO_AUTHN)',
      'flows.factors.second.policies[0].next: unknown factor "third"',
      'flows.factors.spare.policies[0].rule: unknown name "user.nmae" (known: client.ip, user.name, user.realm, user.groups, time.hour, time.minute, time.weekday, device.presented, device.accepted, providers.choice) at column 1',
      'flows.factors.spare: unreachable from the entry factor "password"',
    ]);
  });

  it('checkedFlowsSchema reports the same inside a larger configuration schema (as config/schema.ts will use it)', () => {
    const config = z.object({ other: z.string(), flows: checkedFlowsSchema.optional() });
    const flows = good();
    (flows as any).factors.second.policies[0].next = 'pushh';
    const result = config.safeParse({ flows });
    expect(result.success).to.equal(false);
    expect(result.error!.issues.map((i) => `${formatPath(i.path, '')}: ${i.message}`)).to.deep.equal([
      '.other: Invalid input: expected string, received undefined',
      '.flows.factors.second.policies[0].next: unknown factor "pushh"',
    ]);
    expect(config.safeParse({ other: 'x' }).success).to.equal(true);
  });

  it('a checked configuration checks again as the same flow (config loaded first, compiled after)', () => {
    const parsed = checkedFlowsSchema.parse(good());
    const once = flowOf(good());
    const again = flowOf(parsed);
    expect(again.fingerprint).to.equal(once.fingerprint);
    const changed = good();
    (changed as any).factors.second.policies[0].action = 'PUSH';
    expect(flowOf(changed).fingerprint).not.to.equal(once.fingerprint);
  });

  it('flowProblems reads whatever is well formed and ignores the rest', () => {
    for (const junk of [undefined, null, 5, 'x', [], { factors: 5 }, { factors: { a: 5 } }, { entry: 5, factors: { a: { policies: [5, null, { next: 5 }] } } }]) {
      expect(() => flowProblems(junk)).not.to.throw();
    }
    expect(flowProblems({ entry: 'a', factors: { a: { policies: [{ rule: 'true', action: 'PUSH', next: 5 }] } } })).to.deep.equal([]);
  });

  it('formatPath writes indexes in brackets and keys after dots', () => {
    expect(formatPath(['factors', 'admins', 'policies', 1, 'next'])).to.equal('flows.factors.admins.policies[1].next');
    expect(formatPath([], 'flows')).to.equal('flows');
  });
});
