import { z } from 'zod';
import { loadDemoUsers } from '../users.js';
import { REFUSALS, type Refusal } from './refusals.js';

export type GatewaySimulatorOptions = {
  /** Users and their gateway passwords; defaults to fixtures/demo-users.yaml. */
  users?: Record<string, { password: string }>;
  /** Name of the session cookie set on a good login; default NSC_AAAC. */
  sessionCookie?: string;
  /**
   * When set, a login post without this exact header is refused with 403: the administrator's
   * "accept logins only from factorgate" rule (factorgate's gateway.secretHeader).
   */
  requireHeader?: { name: string; value: string };
  /**
   * Read request paths as loosely as the worst real backends (lenient_paths.ts): any spelling that
   * reads as /cgi/login or lies under /nf/auth reaches the login handler, and every request is
   * recorded (requestsSeen()). Off by default.
   */
  lenientPaths?: boolean;
  /** How a wrong password is refused; default `loginPage` (refusals.ts names each way). */
  refuseAs?: Refusal;
  /** A session unused for longer is gone (the gateway's idle timeout); default 30 minutes. */
  sessionIdleMs?: number;
};

const schema = z.strictObject({
  sessionCookie: z.string().regex(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,64}$/, 'must be a valid cookie name').default('NSC_AAAC'),
  requireHeader: z.strictObject({
    name: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name'),
    value: z.string().min(1).max(1024),
  }).optional(),
  lenientPaths: z.boolean().default(false),
  refuseAs: z.enum(REFUSALS).default('loginPage'),
  sessionIdleMs: z.number().int().min(1).max(86_400_000).default(30 * 60_000),
});

export type ResolvedGatewayOptions = z.output<typeof schema> & { users: Map<string, { password: string }> };

/** Fills defaults and checks every option, naming each bad one by its path. */
export function resolveGatewayOptions(options: GatewaySimulatorOptions = {}): ResolvedGatewayOptions {
  const { users, ...rest } = options;
  const parsed = schema.safeParse(rest);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.map(String).join('.')}: ${i.message}`);
    throw new Error(`invalid gateway simulator options: ${problems.join('; ')}`);
  }
  // A Map: a login such as "constructor" must not find an object's own machinery.
  const table = new Map(Object.entries(users ?? loadDemoUsers()).map(([name, u]) => [name, { password: u.password }]));
  return { ...parsed.data, users: table };
}
