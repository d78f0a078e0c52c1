import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * First-factor check. Digests make every comparison the same length and time, and an unknown
 * user is compared against a dummy, so timing tells nothing about who exists. (A simulator:
 * a real gateway would store slow salted hashes, not passwords.)
 */
export class PasswordCheck {
  private readonly digests: Map<string, Buffer>;
  private readonly dummy = digest('no such user');

  constructor(users: Map<string, { password: string }>) {
    this.digests = new Map([...users].map(([name, u]) => [name, digest(u.password)]));
  }

  matches(login: string, password: string): boolean {
    const expected = this.digests.get(login);
    const same = timingSafeEqual(digest(password), expected ?? this.dummy);
    return expected !== undefined && same;
  }
}

/** The same comparison for a shared secret such as the requireHeader value. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}
