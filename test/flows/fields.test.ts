import { expect } from 'chai';
import { readLoginFields } from '../../src/flows/fields.js';
import type { LoginSchema } from '../../src/flows/schema.js';

const schema: LoginSchema = { fields: [
  { name: 'code', label: 'Code', type: 'otp' },
  { name: 'pin', label: 'PIN', type: 'password' },
  { name: 'trust', label: 'Trust this device', type: 'checkbox' },
] };

describe('login schema fields (src/flows/fields.ts)', () => {
  it('reads the schema\'s fields, a code without its spaces, a checkbox as posted or not', () => {
    const read = readLoginFields(schema, { code: '123 456', pin: 'p', trust: 'on', extra: 'ignored' });
    expect(read.ok && [...read.fields]).to.deep.equal([['code', '123456'], ['pin', 'p'], ['trust', true]]);
    const unchecked = readLoginFields(schema, { code: '1', pin: 'p' });
    expect(unchecked.ok && unchecked.fields.get('trust')).to.equal(false);
  });

  it('refuses a missing or empty field', () => {
    expect(readLoginFields(schema, { pin: 'p' })).to.deep.equal({ ok: false, field: 'code', why: 'missing' });
    expect(readLoginFields(schema, { code: '   ', pin: 'p' })).to.deep.equal({ ok: false, field: 'code', why: 'missing' });
    for (const body of [undefined, null, 'code=1', ['1']]) expect(readLoginFields(schema, body)).to.deep.include({ ok: false, why: 'missing' });
  });

  it('refuses type confusion instead of coercing it', () => {
    for (const value of [['1', '2'], { a: 1 }, 123, true]) {
      expect(readLoginFields(schema, { code: value, pin: 'p' }), JSON.stringify(value)).to.deep.equal({ ok: false, field: 'code', why: 'not_text' });
    }
    expect(readLoginFields(schema, { code: '1', pin: 'p', trust: ['on'] })).to.deep.equal({ ok: false, field: 'trust', why: 'not_text' });
  });

  it('refuses what is too long, and reads no inherited property', () => {
    expect(readLoginFields(schema, { code: '1', pin: 'x'.repeat(257) })).to.deep.equal({ ok: false, field: 'pin', why: 'too_long' });
    expect(readLoginFields(schema, Object.create({ code: '1', pin: 'p' }))).to.deep.equal({ ok: false, field: 'code', why: 'missing' });
  });
});
