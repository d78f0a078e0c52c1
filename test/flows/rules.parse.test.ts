import { expect } from 'chai';
import fc from 'fast-check';
import { compileRule, describeRuleError, evaluateRule, type RuleError } from '../../src/flows/rules.js';

const FACTORS = ['password', 'second'];

function parses(source: string): void {
  const result = compileRule(source, { factors: FACTORS });
  if (!result.ok) expect.fail(`"${source}" was refused: ${describeRuleError(result.error)}`);
}

function refused(source: string): RuleError {
  const result = compileRule(source, { factors: FACTORS });
  if (result.ok) expect.fail(`"${source}" was accepted`);
  return result.error;
}

/** The error's message (a substring) and its 1-based column. */
function expectError(source: string, message: string, column: number): void {
  const error = refused(source);
  expect(error.message, source).to.contain(message);
  expect(error.column, `column of "${error.message}" in ${source}`).to.equal(column);
  expect(error.position).to.equal(column - 1);
}

describe('flow rules: parsing (src/flows/rules.ts)', () => {
  describe('accepts every construct', () => {
    const accepted: Record<string, string[]> = {
      literals: ['true', 'false', "'a' == 'a'", '"double" == \'single\'', '1 < 2', '1.5 >= 0.25', "'it\\'s' != 'x'", '"say \\"hi\\"" == \'x\'', "'back\\\\slash' == 'x'"],
      logic: ['true and false', 'true or false', 'not true', 'not not true', 'true and false or true', 'not (true or false)', 'true and (false or true) and not false'],
      parentheses: ['(true)', '((true))', '(time.hour) > 3', '(user.name) matches \'a*\''],
      comparisons: ['time.hour == 8', 'time.hour != 8', 'time.hour < 8', 'time.hour <= 8', 'time.hour > 8', 'time.hour >= 8', "user.name == 'alice'", 'device.presented == true', "client.ip == '10.0.0.1'", "header('X-A') == header('X-B')"],
      in: ["client.ip in '10.0.0.0/8'", "client.ip in '10.0.0.1'", "client.ip in ['10.0.0.0/8', '192.168.0.0/16', 'fd00::/8']", "client.ip in 'loopback'"],
      matches: ["user.name matches 'admin-*'", "user.name matches ['admin-*', 'root']", "user.realm matches 'CORP'", "header('User-Agent') matches '*Firefox*'", "user.name matches 'CORP\\\\*'"],
      contains: ["user.groups contains 'admins'", "user.groups contains 'cn=admins,ou=groups,dc=example,dc=org'"],
      names: ['client.ip in \'::1\'', "user.name == 'x'", "user.realm == 'x'", "user.groups contains 'x'", 'time.hour == 1', 'time.minute == 1', 'time.weekday == 1', 'device.presented', 'device.accepted'],
      functions: ["header('X-Foo') == 'bar'", "header('x-foo') != 'bar'", "factor('password').succeeded", "not factor('second').succeeded"],
      layout: ['  true  ', 'true\nand\tfalse', "time.hour>=8 and time.hour<18", "client.ip in['10.0.0.0/8']"],
    };
    for (const [construct, sources] of Object.entries(accepted)) {
      it(construct, () => sources.forEach(parses));
    }

    it('binds not tighter than and, and tighter than or', () => {
      const ctx = { client: { ip: '' }, user: { name: '' }, headers: {}, now: 0, device: { presented: false, accepted: false }, succeeded: [] };
      const value = (source: string) => {
        const result = compileRule(source);
        if (!result.ok) throw new Error(result.error.message);
        return evaluateRule(result.rule, ctx);
      };
      expect(value('not false and false')).to.equal(false); // (not false) and false
      expect(value('true or true and false')).to.equal(true); // true or (true and false)
      expect(value('false and true or true')).to.equal(true); // (false and true) or true
      expect(value('not 1 == 2')).to.equal(true); // not (1 == 2)
    });

    it('leaves factor names unchecked when none are given (the check passes them)', () => {
      expect(compileRule("factor('anything').succeeded").ok).to.equal(true);
    });
  });

  describe('syntax errors, with their column', () => {
    const cases: Array<[string, string, number]> = [
      ['', 'unexpected end of rule', 1],
      ['   ', 'unexpected end of rule', 4],
      ['true and', 'unexpected end of rule', 9],
      ['true @ false', 'unexpected character "@"', 6],
      ['device.presented && true', 'use and', 18],
      ['device.presented || true', 'use or', 18],
      ['!device.presented', 'use not', 1],
      ["user.name = 'x'", 'use == to compare', 11],
      ["user.name == 'x", 'string not closed', 14],
      ["user.name == 'a\\nb'", 'unknown escape', 16],
      ["user.name == 'a\u0001'", 'control character', 16],
      ['time.hour == 1234567890123456', 'number too long', 14],
      ['(true', 'expected a closing )', 6],
      ['true)', 'unexpected ")"', 5],
      ['true true', 'unexpected "true"', 6],
      ['1 < 2 < 3', 'comparisons cannot be chained', 7],
      ['and', 'unexpected "and"', 1],
      ['true and or', 'unexpected "or"', 10],
      ["client.ip in []", 'expected a pattern in quotes', 15],
      ["client.ip in ['10.0.0.0/8',]", 'expected a pattern in quotes', 28],
      ["client.ip in ['10.0.0.0/8' '10.1.0.0/16']", 'expected a closing ] or a comma', 28],
      ['client.ip in 10', 'expected a pattern in quotes', 14],
      ['user.groups contains admins', 'expected a group name', 22],
      ['user. == 1', 'expected a name after "user."', 7],
      ["header(XFoo) == 'a'", 'expected a header name in quotes', 8],
      ["header(X-Foo) == 'a'", 'unexpected character "-"', 9],
      ["header('X-Foo' == 'a'", 'expected a closing )', 16],
      ["factor('password')", 'expected .succeeded', 19],
      ["factor('password').failed", 'expected .succeeded', 20],
      ["user.name == 'x' `rm -rf`", 'unexpected character "`"', 18],
      ['time.hour == 1 ; true', 'unexpected character ";"', 16],
      ['user.name == ${x}', 'unexpected character "$"', 14],
    ];
    for (const [source, message, column] of cases) {
      it(`${JSON.stringify(source)}: ${message} at column ${column}`, () => expectError(source, message, column));
    }
  });

  describe('unknown names, functions and factors', () => {
    const cases: Array<[string, string, number]> = [
      ["user.nmae == 'x'", 'unknown name "user.nmae" (known: client.ip, user.name,', 1],
      ['true and devices.presented', 'unknown name "devices.presented"', 10],
      ['user == 1', 'unknown name "user"', 1],
      ["user.name.length > 3", 'unknown name "user.name.length"', 1],
      ["is_member_of('admins')", 'unknown function "is_member_of" (known: header(\'Name\'), factor(\'name\').succeeded)', 1],
      ["factor('pasword').succeeded", 'unknown factor "pasword"', 8],
      ["header('X Foo') == 'a'", 'not a header name', 8],
      ["header('') == 'a'", 'not a header name', 8],
    ];
    for (const [source, message, column] of cases) {
      it(`${JSON.stringify(source)}: ${message}`, () => expectError(source, message, column));
    }
  });

  describe('type errors', () => {
    const cases: Array<[string, string, number]> = [
      ['user.name', 'a rule must be a condition; "user.name" is a string', 1],
      ["'yes'", 'a rule must be a condition; "\'yes\'" is a string', 1],
      ['8', 'a rule must be a condition; "8" is a number', 1],
      ['user.groups', 'a rule must be a condition; "user.groups" is a group list', 1],
      ['(time.hour)', 'a rule must be a condition; "(time.hour)" is a number', 1],
      ['true and user.name', 'and needs conditions; "user.name" is a string', 10],
      ['time.hour or true', 'or needs conditions; "time.hour" is a number', 1],
      ['not client.ip', 'not needs conditions; "client.ip" is an address', 5],
      ["user.name < 'b'", '< compares numbers; "user.name" is a string', 11],
      ["time.hour >= '8'", '>= compares numbers; "\'8\'" is a string', 11],
      ["time.hour == '8'", 'cannot compare a number with a string', 11],
      ['device.presented == 1', 'cannot compare a boolean with a number', 18],
      ["user.groups == 'admins'", 'a group list cannot be compared; use contains', 13],
      ["user.name in '10.0.0.0/8'", 'in needs an address on its left; "user.name" is a string', 1],
      ["client.ip matches '10.*'", 'matches needs a string on its left; "client.ip" is an address', 1],
      ["time.hour matches '1*'", 'matches needs a string on its left; "time.hour" is a number', 1],
      ["user.name contains 'a'", 'contains needs a group list on its left; "user.name" is a string', 1],
      ["client.ip in '10.0.0.0/33'", 'not an address or CIDR: "10.0.0.0/33"', 14],
      ["client.ip in ['10.0.0.0/8', 'intranet']", 'not an address or CIDR: "intranet"', 29],
      ["user.name matches ''", 'empty pattern', 19],
      ["user.groups contains ''", 'empty group name', 22],
    ];
    for (const [source, message, column] of cases) {
      it(`${JSON.stringify(source)}: ${message}`, () => expectError(source, message, column));
    }
  });

  describe('hostile input', () => {
    it('has no way to reach object internals: such names are unknown', () => {
      for (const name of ['constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'this', 'globalThis', 'process', 'user.__proto__', 'user.constructor', 'client.ip.constructor', '__proto__.polluted']) {
        expect(refused(`${name} == 'x'`).message, name).to.match(/^unknown name/);
      }
      for (const call of ["require('fs')", "eval('1')", "Function('return 1')", "constructor('x')", "__proto__('x')", "process.exit(1)"]) {
        expect(refused(call).message, call).to.match(/^unknown (function|name)|^unexpected/);
      }
    });

    it('names factors only from the flow: factor(\'constructor\') is unknown', () => {
      for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
        expect(refused(`factor('${name}').succeeded`).message).to.equal(`unknown factor "${name}"`);
      }
    });

    it('bounds the length: a megabyte of input is refused at once', () => {
      const started = process.hrtime.bigint();
      const error = refused('true and '.repeat(120_000) + 'true');
      expect(error.message).to.equal('rule too long (at most 1000 characters)');
      expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(50);
      expect(refused('a'.repeat(1_000_001)).message).to.match(/too long/);
      parses(`true${' '.repeat(995)}`); // 999 characters are fine
    });

    it('bounds the nesting: deep parentheses or not-chains are an error, not a stack overflow', () => {
      expect(refused(`${'('.repeat(33)}true${')'.repeat(33)}`)).to.deep.include({ message: 'nested too deeply (more than 32 levels)' });
      expect(refused(`${'not '.repeat(40)}true`).message).to.equal('nested too deeply (more than 32 levels)');
      parses(`${'('.repeat(31)}true${')'.repeat(31)}`);
      expect(refused('('.repeat(999)).message).to.equal('nested too deeply (more than 32 levels)');
    });

    it('keeps long and/or chains flat (no depth limit needed)', () => {
      parses(Array.from({ length: 100 }, () => 'true').join(' and '));
      parses(Array.from({ length: 100 }, () => 'false').join(' or '));
    });

    it('shows a control or odd character by its code point, and never echoes more than 40 characters', () => {
      expect(refused('true \u0000').message).to.equal('unexpected character "U+0000"');
      expect(refused('true \u{1F600}').message).to.equal('unexpected character "\u{1F600}"');
      expect(refused(`true ${'x'.repeat(200)}`).message.length).to.be.below(80);
    });

    it('refuses what is not text', () => {
      expect(compileRule(42 as unknown as string)).to.deep.equal({ ok: false, error: { message: 'a rule must be text', position: 0, column: 1 } });
    });

    it('never throws, whatever the input: an error with a position inside it, or a rule', () => {
      const alphabet = fc.constantFrom(...'()[],.\'"\\ =!<>&|' + 'abcdefghijklmnopqrstuvwxyz_0189', 'and ', 'or ', 'not ', ' in ', ' matches ', ' contains ', 'true', 'user.name', 'client.ip', 'time.hour', "header('x')", "factor('password').succeeded", "'10.0.0.0/8'");
      fc.assert(fc.property(fc.array(alphabet, { maxLength: 40 }).map((parts) => parts.join('')), (source) => {
        const result = compileRule(source, { factors: FACTORS });
        if (!result.ok) {
          expect(result.error.position).to.be.within(0, source.length);
          expect(result.error.message).to.be.a('string').and.not.equal('');
        }
      }), { numRuns: 2000 });
      fc.assert(fc.property(fc.string({ maxLength: 60, unit: 'binary' }), (source) => {
        const result = compileRule(source);
        if (!result.ok) expect(result.error.position).to.be.within(0, source.length);
      }), { numRuns: 1000 });
    });
  });
});
