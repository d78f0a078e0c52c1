import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { loadDemoUsers } from '../users.js';
import { faultSchema, type AnakamFault } from './faults.js';

/** Where the simulator may send a passcode: email for EMAIL, phone for SMS. */
export type AnakamUser = { email?: string; phone?: string };

export type AnakamSimulatorOptions = {
  /** Users by name; defaults to fixtures/demo-users.yaml. */
  users?: Record<string, AnakamUser>;
  /** Basic-auth API user; default `factorgate`. */
  apiUser?: string;
  /** Basic-auth API password; default a random one per instance (read it from sim.apiPassword). */
  apiPassword?: string;
  /** Path segments of the base URL /tfa/api/{version}/{tenant}. */
  version?: string;
  tenant?: string;
  /** Life of an auth key, from its creation. */
  authKeyTtlMs?: number;
  /** Life of a passcode, from GET_PARAMS. */
  passcodeTtlMs?: number;
  /** Wrong passcodes in a row that lock the user; the last one answers LOCKED. */
  maxPasscodeAttempts?: number;
  /** How long a locked user stays locked. */
  lockMs?: number;
  /** Registration hours when VERIFY_PASSCODE asks to register without giving any. */
  defaultRegistrationHours?: number;
  /** Longest registration accepted; more answers 400. */
  maxRegistrationHours?: number;
  /** Echoed in every authResponse. */
  successUrl?: string;
  /** Time source, so tests can expire keys, passcodes, locks and devices without sleeping. */
  clock?: { now(): number };
  /** A fault in force from the start. */
  fault?: AnakamFault;
};

const segment = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be one plain path segment');

const scalarsSchema = z.strictObject({
  apiUser: z.string().min(1).max(128).regex(/^[^:]+$/, 'must not contain ":"').default('factorgate'),
  apiPassword: z.string().min(1).max(256).optional(),
  version: segment.default('5.5'),
  tenant: segment.default('default'),
  authKeyTtlMs: z.number().int().min(1000).default(5 * 60_000),
  passcodeTtlMs: z.number().int().min(1000).default(5 * 60_000),
  maxPasscodeAttempts: z.number().int().min(1).max(100).default(3),
  lockMs: z.number().int().min(1000).default(15 * 60_000),
  defaultRegistrationHours: z.number().int().min(1).default(8),
  maxRegistrationHours: z.number().int().min(1).max(24 * 366).default(24 * 90),
  successUrl: z.string().max(256).optional(),
  fault: faultSchema.optional(),
}).refine((o) => o.defaultRegistrationHours <= o.maxRegistrationHours, {
  message: 'must not exceed maxRegistrationHours', path: ['defaultRegistrationHours'],
});

export type ResolvedAnakamOptions = Omit<z.output<typeof scalarsSchema>, 'apiPassword' | 'successUrl'> & {
  apiPassword: string;
  successUrl: string;
  users: Map<string, AnakamUser>;
  now: () => number;
};

/** Fills defaults and checks every option, naming each bad one by its path. */
export function resolveAnakamOptions(options: AnakamSimulatorOptions = {}): ResolvedAnakamOptions {
  const { users, clock, ...scalars } = options;
  const parsed = scalarsSchema.safeParse(scalars);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new Error(`invalid tfa simulator options: ${problems.join('; ')}`);
  }
  const o = parsed.data;
  return {
    ...o,
    // A fresh random password unless one is given: no fixed API credential lives in the code.
    apiPassword: o.apiPassword ?? randomBytes(18).toString('base64url'),
    successUrl: o.successUrl ?? `/tfademo/${o.tenant}/success.jsp`,
    // A Map: a user name such as "constructor" must not find an object's own machinery.
    users: new Map(Object.entries(users ?? loadDemoUsers()).map(([name, u]) => [name, { email: u.email, phone: u.phone }])),
    now: clock ? () => clock.now() : () => Date.now(),
  };
}
