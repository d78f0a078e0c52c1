import { expect } from 'chai';
import { Secret } from 'otpauth';
import { Totp } from '../../src/otp/totp.js';

// RFC 6238 Appendix B: the reference implementation's codes, 8 digits, 30-second steps, with the
// ASCII seed "1234567890" repeated to the hash's length. Run through Totp.codeAt and Totp.verify,
// the same path a login takes, with only the digits (and, for the extra rows, the HMAC) changed.

const TIMES = [59, 1111111109, 1111111111, 1234567890, 2000000000, 20000000000];
const VECTORS = {
  SHA1: { seed: '12345678901234567890', codes: ['94287082', '07081804', '14050471', '89005924', '69279037', '65353130'] },
  SHA256: { seed: '12345678901234567890123456789012', codes: ['46119246', '68084774', '67062674', '91819424', '90698825', '77737706'] },
  SHA512: {
    seed: '1234567890123456789012345678901234567890123456789012345678901234',
    codes: ['90693936', '25091201', '99943326', '93441116', '38618901', '47863826'],
  },
} as const;

describe('TOTP: RFC 6238 Appendix B test vectors (src/otp/totp.ts)', () => {
  for (const [algorithm, { seed, codes }] of Object.entries(VECTORS) as [keyof typeof VECTORS, (typeof VECTORS)[keyof typeof VECTORS]][]) {
    const totp = new Totp({ algorithm, digits: 8 });
    const secret = Secret.fromUTF8(seed).base32;

    TIMES.forEach((seconds, i) => {
      it(`${algorithm} at ${seconds} s gives ${codes[i]}, and that code verifies at step ${Math.floor(seconds / 30)}`, () => {
        expect(totp.codeAt(secret, seconds * 1000)).to.equal(codes[i]);
        expect(totp.verify(secret, codes[i], seconds * 1000)).to.deep.equal({ ok: true, step: Math.floor(seconds / 30) });
      });
    });
  }

  it('SHA1 with the default 6 digits gives the last six digits of the 8-digit vector (RFC 4226 truncation)', () => {
    const totp = new Totp();
    const secret = Secret.fromUTF8(VECTORS.SHA1.seed).base32;
    TIMES.forEach((seconds, i) => expect(totp.codeAt(secret, seconds * 1000)).to.equal(VECTORS.SHA1.codes[i]!.slice(2)));
  });
});
