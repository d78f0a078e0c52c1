import { expect } from 'chai';
import { Secret } from 'otpauth';
import { Totp } from '../../src/otp/totp.js';

// At most one step of clock skew either way (RFC 6238 §5.2): the code of the step before and the
// step after is accepted, two steps off is refused. Time is injected, never slept on.

const totp = new Totp();
// A fixed secret, so that the run is the same every time (a random one could, once in a great
// while, give a step two off the same code as a step in the window).
const secret = Secret.fromUTF8('skew-test-secret-20bytes').base32;
// The middle of a step, and both of its edges: skew is counted in steps, not in seconds.
const STEP = 30_000;
const NOWS = { middle: 1_700_000_015_000, 'first ms': 1_700_000_010_000, 'last ms': 1_700_000_039_999 };

describe('TOTP: clock skew of −2…+2 steps (src/otp/totp.ts)', () => {
  for (const [where, now] of Object.entries(NOWS)) {
    const current = Math.floor(now / STEP);
    describe(`server time at the ${where} of a step`, () => {
      for (const skew of [-1, 0, 1]) {
        it(`accepts the code of step ${skew >= 0 ? '+' : ''}${skew}, as that step`, () => {
          const code = totp.codeAt(secret, now + skew * STEP);
          expect(totp.verify(secret, code, now)).to.deep.equal({ ok: true, step: current + skew });
        });
      }
      for (const skew of [-2, 2]) {
        it(`refuses the code of step ${skew > 0 ? '+' : ''}${skew} as wrong`, () => {
          const code = totp.codeAt(secret, now + skew * STEP);
          const inWindow = [-1, 0, 1].map((d) => totp.codeAt(secret, now + d * STEP));
          expect(inWindow, 'precondition: the code is no other step\'s').not.to.include(code);
          expect(totp.verify(secret, code, now)).to.deep.equal({ ok: false, reason: 'wrong' });
        });
      }
    });
  }

  it('follows the configured period: with 60-second steps, 61 s later is still within one step', () => {
    const slow = new Totp({ period: 60 });
    const now = 1_700_000_040_000;
    const code = slow.codeAt(secret, now);
    expect(slow.verify(secret, code, now + 61_000).ok).to.equal(true);
    expect(slow.verify(secret, code, now + 121_000)).to.deep.equal({ ok: false, reason: 'wrong' });
  });
});
