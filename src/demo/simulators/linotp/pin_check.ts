import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { OtpPin, PushToken, ResolvedUser } from './options.js';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The `pass` check of /validate/check and /validate/check_status under the otppin policy:
 * 0 the token PIN, 1 the user's password, 2 empty. Digests make every comparison the same
 * length, and a user without a token is compared against a dummy, so neither the answer nor
 * its timing tells who has a token.
 */
export class PinCheck {
  // Random, so no `pass` can ever match a user who has no token.
  private readonly dummy = digest(randomBytes(16).toString('hex'));

  constructor(private readonly users: Map<string, ResolvedUser>, private readonly otppin: OtpPin) {}

  /** The user's push token when `pass` is right for it; undefined otherwise. */
  tokenFor(user: string, pass: string): PushToken | undefined {
    const record = this.users.get(user);
    const expected = record?.token ? this.expectedPass(record) : undefined;
    const same = timingSafeEqual(digest(pass), expected === undefined ? this.dummy : digest(expected));
    return same && expected !== undefined ? record?.token : undefined;
  }

  private expectedPass(user: ResolvedUser): string | undefined {
    switch (this.otppin) {
      case 0: return user.token?.pin;
      case 1: return user.password;
      case 2: return '';
    }
  }
}
