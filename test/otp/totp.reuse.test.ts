import { expect } from 'chai';
import { Totp } from '../../src/otp/totp.js';

// RFC 6238 §5.2, ASVS 2.8.4: once a code is accepted, no code for that step or an earlier one is
// accepted again; such a code is reported as `reused`, apart from a plain wrong code.

const totp = new Totp();
const secret = totp.generateSecret();
const STEP = 30_000;
const now = 1_800_000_015_000;
const current = Math.floor(now / STEP);

describe('TOTP: a code is accepted once only (src/otp/totp.ts)', () => {
  it('refuses the code just accepted, as reused', () => {
    const code = totp.codeAt(secret, now);
    const first = totp.verify(secret, code, now);
    expect(first).to.deep.equal({ ok: true, step: current });
    expect(totp.verify(secret, code, now, current)).to.deep.equal({ ok: false, reason: 'reused' });
    expect(totp.verify(secret, code, now + STEP, current)).to.deep.equal({ ok: false, reason: 'reused' });
  });

  it('refuses the previous step\'s code once the current one was used (no going back)', () => {
    const previous = totp.codeAt(secret, now - STEP);
    expect(totp.verify(secret, previous, now, current)).to.deep.equal({ ok: false, reason: 'reused' });
  });

  it('accepts the next step\'s code after the current one was used', () => {
    const next = totp.codeAt(secret, now + STEP);
    expect(totp.verify(secret, next, now, current)).to.deep.equal({ ok: true, step: current + 1 });
  });

  it('says wrong, not reused, for a code that matches no step of the window', () => {
    const codes = [-1, 0, 1].map((d) => totp.codeAt(secret, now + d * STEP));
    const wrong = ['000000', '123456', '999999'].find((c) => !codes.includes(c))!;
    expect(totp.verify(secret, wrong, now, current)).to.deep.equal({ ok: false, reason: 'wrong' });
  });

  describe('refuses a code of the wrong shape as wrong, before any work', () => {
    const code = totp.codeAt(secret, now);
    const shapes: Record<string, unknown> = {
      'too short': code.slice(1), 'too long': `${code}0`, 'with a space': `${code.slice(0, 3)} ${code.slice(3)}`,
      'with a letter': `${code.slice(0, 5)}a`, 'padded': ` ${code}`, 'a number': Number(code), 'an array': [code],
      'an object': { code }, 'null': null, 'undefined': undefined, 'empty': '', 'Arabic-Indic digits': '٠١٢٣٤٥',
    };
    for (const [what, value] of Object.entries(shapes)) {
      it(what, () => expect(totp.verify(secret, value, now)).to.deep.equal({ ok: false, reason: 'wrong' }));
    }
  });

  it('takes an 8-digit code when configured with 8 digits, and refuses a 6-digit one there', () => {
    const eight = new Totp({ digits: 8 });
    expect(eight.verify(secret, eight.codeAt(secret, now), now).ok).to.equal(true);
    expect(eight.verify(secret, totp.codeAt(secret, now), now)).to.deep.equal({ ok: false, reason: 'wrong' });
  });
});
