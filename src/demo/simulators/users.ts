import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { z } from 'zod';

// The demo users the simulators share (fixtures/demo-users.yaml): a gateway password for the
// first factor, an e-mail address and/or phone number for the two-factor simulator, and
// optionally a push token (its PIN) for the LinOTP simulator.

// A plain word: keeps names safe in URLs, HTML and logs, and rules out keys like __proto__.
const USERNAME = /^[A-Za-z][A-Za-z0-9._-]{0,63}$/;
const USERNAME_RULE = 'must be a letter then letters, digits, . _ or -';
const username = z.string().regex(USERNAME, USERNAME_RULE);

export const demoUserSchema = z.strictObject({
  password: z.string().min(8).max(256),
  email: z.email().max(254).optional(),
  phone: z.string().regex(/^\+?[0-9 ().-]{4,32}$/, 'must be a phone number').optional(),
  /** A LinOTP push token; `pin` is its token PIN (what `pass` carries when otppin is 0). */
  push: z.strictObject({ pin: z.string().min(4).max(64) }).optional(),
});

const demoUsersFileSchema = z.strictObject({
  users: z.record(username, demoUserSchema).refine((users) => Object.keys(users).length > 0, 'must list at least one user'),
});

export type DemoUser = z.infer<typeof demoUserSchema>;
export type DemoUsers = Record<string, DemoUser>;

/** fixtures/demo-users.yaml, found the same way from src/ (tsx) and from dist/ (the built demo). */
export const DEMO_USERS_FILE = fileURLToPath(new URL('../../../fixtures/demo-users.yaml', import.meta.url));

/** Reads and validates a users file; every problem is reported at once, by dotted path. */
export function loadDemoUsers(file: string = DEMO_USERS_FILE): DemoUsers {
  return parseDemoUsers(readFileSync(file, 'utf8'), file);
}

export function parseDemoUsers(text: string, source = 'demo users'): DemoUsers {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new Error(`${source}: not valid YAML: ${(err as Error).message}`, { cause: err });
  }
  const result = demoUsersFileSchema.safeParse(raw);
  const problems = result.success ? [] : result.error.issues.map((issue) => `  ${issue.path.map(String).join('.') || '(top)'}: ${issue.message}`);
  // zod drops a __proto__ key without a word: name it, rather than lose a user silently.
  const users = (raw as { users?: unknown } | null)?.users;
  if (users && typeof users === 'object' && Object.hasOwn(users, '__proto__')) problems.push(`  users.__proto__: ${USERNAME_RULE}`);
  if (!result.success || problems.length > 0) throw new Error(`${source}: invalid demo users:\n${problems.join('\n')}`);
  return result.data.users;
}
