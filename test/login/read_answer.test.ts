import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { readAnswer } from '../../src/login/read/read_answer.js';

function refusal(body: Record<string, unknown>): FactorgateError {
  try {
    readAnswer(body);
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  expect.fail(`accepted ${JSON.stringify(body)}`);
}

describe('reading the passcode answer (src/login/read/read_answer.ts)', () => {
  it('reads a plain numeric passcode', () => {
    expect(readAnswer({ passcode: '123456' })).to.deep.equal({ passcode: '123456', rememberDevice: false });
  });

  it('drops the spaces and dashes people type between digit groups', () => {
    expect(readAnswer({ passcode: '123 456' }).passcode).to.equal('123456');
    expect(readAnswer({ passcode: '123-456' }).passcode).to.equal('123456');
    expect(readAnswer({ passcode: ' 12 34-56 ' }).passcode).to.equal('123456');
    expect(readAnswer({ passcode: '\t123456\n' }).passcode).to.equal('123456');
  });

  it('accepts letters and digits from 4 to 16 characters', () => {
    expect(readAnswer({ passcode: 'aB3d' }).passcode).to.equal('aB3d');
    expect(readAnswer({ passcode: 'A'.repeat(16) }).passcode).to.equal('A'.repeat(16));
  });

  it('refuses fewer than 4 or more than 16 characters once separators are dropped', () => {
    for (const passcode of ['123', '1 2 3', '1-2-3-', '1'.repeat(17), '1234 5678 9012 34567']) {
      expect(refusal({ passcode }).code, passcode).to.equal('invalid_input');
    }
  });

  it('refuses raw input longer than 32 characters even if it would shrink to a valid code', () => {
    expect(readAnswer({ passcode: `${' '.repeat(26)}123456` }).passcode).to.equal('123456');
    expect(refusal({ passcode: `${' '.repeat(27)}123456` }).code).to.equal('invalid_input');
  });

  it('refuses characters outside letters and digits', () => {
    for (const passcode of ['1234<5', '12345&', '1234.5', '12345\u0000', '١٢٣٤٥٦', '１２３４５６', '12_345', "1234'5"]) {
      expect(refusal({ passcode }).code, JSON.stringify(passcode)).to.equal('invalid_input');
    }
  });

  it('refuses a passcode that is missing, empty or not a string', () => {
    for (const passcode of [undefined, null, '', '   ', 123456, ['123456'], { code: '123456' }, true]) {
      expect(refusal({ passcode }).code, JSON.stringify(passcode)).to.equal('invalid_input');
    }
  });

  it('says in the log detail which check refused', () => {
    // The user sees one message for both; the administrator's log line tells them apart.
    for (const passcode of [undefined, 123456, '1'.repeat(33)]) {
      expect(refusal({ passcode }).detail, JSON.stringify(passcode)).to.equal('passcode missing or too long');
    }
    for (const passcode of ['123', '1234<5']) expect(refusal({ passcode }).detail, passcode).to.equal('passcode refused by shape');
  });

  describe('remember this device', () => {
    for (const remember of ['on', 'true', '1', true]) {
      it(`remembers the device for ${JSON.stringify(remember)}`, () => {
        expect(readAnswer({ passcode: '123456', remember }).rememberDevice).to.equal(true);
      });
    }
    for (const remember of [undefined, '', 'off', 'false', '0', 'yes', 'ON', false, 1, ['on'], { on: true }]) {
      it(`does not remember the device for ${JSON.stringify(remember) ?? 'undefined'}`, () => {
        expect(readAnswer({ passcode: '123456', remember }).rememberDevice).to.equal(false);
      });
    }
  });
});
