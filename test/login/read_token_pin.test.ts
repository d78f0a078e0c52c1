import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { readTokenPin, TOKEN_PIN_FIELD } from '../../src/login/read/read_token_pin.js';

function refusal(body: Record<string, unknown>): FactorgateError {
  try {
    readTokenPin(body);
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  expect.fail(`accepted ${JSON.stringify(body)}`);
}

describe('reading the token PIN (src/login/read/read_token_pin.ts)', () => {
  it('reads the PIN from the field factorgate adds to the login page, as typed', () => {
    expect(TOKEN_PIN_FIELD).to.equal('fg_pin');
    expect(readTokenPin({ fg_pin: '1234' })).to.equal('1234');
    expect(readTokenPin({ fg_pin: ' pin with spaces, ünïcode & symbols! ' })).to.equal(' pin with spaces, ünïcode & symbols! ');
  });

  it('takes no field, or an empty one, as no PIN', () => {
    expect(readTokenPin({})).to.equal(undefined);
    expect(readTokenPin({ fg_pin: '' })).to.equal(undefined);
    expect(readTokenPin({ pin: '1234' }), 'only its own field').to.equal(undefined);
  });

  it('accepts 64 characters and refuses 65', () => {
    expect(readTokenPin({ fg_pin: 'x'.repeat(64) })).to.equal('x'.repeat(64));
    expect(refusal({ fg_pin: 'x'.repeat(65) }).code).to.equal('invalid_input');
  });

  it('refuses a control character anywhere (a newline could split a log line or a header)', () => {
    for (const pin of ['12\n34', '\t1234', '1234\u0000', '12\u007f34', '1234\r']) {
      expect(refusal({ fg_pin: pin }).code, JSON.stringify(pin)).to.equal('invalid_input');
    }
  });

  it('refuses a PIN that is not one string (a repeated field, an object)', () => {
    for (const pin of [['1234', '5678'], { a: '1' }, 1234, true, null]) {
      const error = refusal({ fg_pin: pin });
      expect(error.code, JSON.stringify(pin)).to.equal('invalid_input');
      expect(error.message).to.equal('token PIN refused by shape');
    }
  });
});
