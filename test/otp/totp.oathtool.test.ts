import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { Totp } from '../../src/otp/totp.js';

// Cross-check against an independent implementation: oathtool from OATH Toolkit (Debian package
// `oathtool`). Missing oathtool fails this test: it is a required test dependency, not optional.

const TIMES = [0, 59, 1_111_111_109, 1_234_567_890, 1_700_000_000, 1_700_000_029, 1_700_000_030, 2_000_000_000, 4_102_444_800];

function oathtool(args: string[]): string {
  try {
    return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('oathtool is missing: apt-get install -y oathtool', { cause: err });
    throw err;
  }
}

/** oathtool's --now takes a date; '@<seconds>' is epoch seconds, read as UTC. */
const at = (seconds: number) => `--now=@${seconds}`;

describe('TOTP: cross-checked with oathtool (OATH Toolkit)', () => {
  for (const settings of [{}, { digits: 8 }, { algorithm: 'SHA256' as const }, { algorithm: 'SHA512' as const, digits: 7 }, { period: 60 }]) {
    it(`gives oathtool's codes for the same secret and times (${JSON.stringify(settings)})`, () => {
      const totp = new Totp(settings);
      const { algorithm, digits, period } = totp.settings;
      for (let round = 0; round < 3; round += 1) {
        const secret = totp.generateSecret();
        for (const seconds of TIMES) {
          const expected = oathtool([`--totp=${algorithm.toLowerCase()}`, `--digits=${digits}`, `--time-step-size=${period}s`, '-b', secret, at(seconds)]);
          expect(totp.codeAt(secret, seconds * 1000), `${secret} at ${seconds}`).to.equal(expected);
          expect(totp.verify(secret, expected, seconds * 1000).ok).to.equal(true);
        }
      }
    });
  }

  it('agrees with oathtool\'s own window: oathtool accepts the code factorgate gives for the step before and after', () => {
    const totp = new Totp();
    const secret = totp.generateSecret();
    const now = 1_700_000_015;
    for (const skew of [-1, 1]) {
      const code = totp.codeAt(secret, (now + skew * 30) * 1000);
      // oathtool validates a given OTP and prints the matching position within the window.
      const found = oathtool(['--totp', '-b', secret, at(now), '--window=1', code]);
      expect(Number(found), `skew ${skew}`).to.be.within(0, 2);
    }
  });
});
