// The bench's generated users, shared by the simulators and the login drivers: bench0 .. benchN-1.

export const userName = (i: number) => `bench${i}`;
export const passwordOf = (i: number) => `bench-password-${i}`;

export function benchUsers(count: number): Record<string, { password: string; email: string; push: { pin: string } }> {
  const users: Record<string, { password: string; email: string; push: { pin: string } }> = {};
  // Every user also has a push token, for the push section (LinOTP simulator, otppin 1: the password).
  for (let i = 0; i < count; i++) users[userName(i)] = { password: passwordOf(i), email: `${userName(i)}@example.com`, push: { pin: '0000' } };
  return users;
}

/** A client address per virtual user, in 127.0.0.0/8 (it only ever travels in X-Forwarded-For). */
export const clientIpOf = (vu: number) => `127.10.${(vu >> 8) & 255}.${vu & 255}`;
