import { z } from 'zod';
import { loadDemoUsers } from '../users.js';
import { faultSchema, type LinotpFault } from './faults.js';

/** A user as the LinOTP simulator sees one: the gateway password (otppin 1) and a push token with its PIN (otppin 0). */
export type LinotpUser = { password?: string; push?: { pin: string } };

/**
 * What `pass` must carry to trigger a push or read its status, as LinOTP's otppin policy:
 * 0 the token PIN, 1 the user's password (here the gateway password), 2 nothing at all.
 */
export type OtpPin = 0 | 1 | 2;

export type LinotpSimulatorOptions = {
  /** Users by name; defaults to fixtures/demo-users.yaml. Only users with `push` have a token. */
  users?: Record<string, LinotpUser>;
  /** The otppin policy; default 0, LinOTP's own default. */
  otppin?: OtpPin;
  /** How long a push can be answered on the phone or by its code; default 120 s, LinOTP's. */
  validityMs?: number;
  /** Wrong one-time codes that reject a transaction, the last one included; default 3. */
  maxCodeAttempts?: number;
  /** Basic auth on /validate; LinOTP has none by default, and neither has the simulator. */
  basicAuth?: { user: string; password: string };
  /** Time source, so tests can expire transactions without sleeping. */
  clock?: { now(): number };
  /** A fault in force from the start. */
  fault?: LinotpFault;
};

const scalarsSchema = z.strictObject({
  otppin: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
  validityMs: z.number().int().min(1000).max(24 * 3_600_000).default(120_000),
  maxCodeAttempts: z.number().int().min(1).max(100).default(3),
  basicAuth: z.strictObject({
    user: z.string().min(1).max(128).regex(/^[^:]+$/, 'must not contain ":"'),
    password: z.string().min(1).max(256),
  }).optional(),
  fault: faultSchema.optional(),
});

/** A user's push token: its PIN and the serial LinOTP would show. */
export type PushToken = { pin: string; serial: string };
export type ResolvedUser = { password?: string; token?: PushToken };

export type ResolvedLinotpOptions = z.output<typeof scalarsSchema> & {
  users: Map<string, ResolvedUser>;
  now: () => number;
};

/** Fills defaults and checks every option, naming each bad one by its path. */
export function resolveLinotpOptions(options: LinotpSimulatorOptions = {}): ResolvedLinotpOptions {
  const { users, clock, ...scalars } = options;
  const parsed = scalarsSchema.safeParse(scalars);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new Error(`invalid linotp simulator options: ${problems.join('; ')}`);
  }
  return { ...parsed.data, users: withSerials(users ?? loadDemoUsers()), now: clock ? () => clock.now() : () => Date.now() };
}

/**
 * A Map, so a user name such as "constructor" finds nothing of an object's own machinery.
 * Tokens are numbered PUSH0001, PUSH0002, ... in the order the users are listed.
 */
function withSerials(users: Record<string, LinotpUser>): Map<string, ResolvedUser> {
  let tokens = 0;
  return new Map(Object.entries(users).map(([name, u]) => {
    const token = u.push ? { pin: u.push.pin, serial: `PUSH${String(++tokens).padStart(4, '0')}` } : undefined;
    return [name, { password: u.password, token }];
  }));
}
