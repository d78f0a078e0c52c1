import { z } from 'zod';

// The `flows` section: an nFactor-style login flow (fixtures/flows/README.md). A flow starts at its entry factor
// (nFactor's "virtual server"); a factor (nFactor's "policy label") holds an ordered list of
// policies; a policy is a rule, an action and an optional next factor. Inside a factor the first
// policy whose rule holds and whose action succeeds wins (OR semantics) and its next factor
// follows; no next factor means done: replay to the gateway. A factor with a login schema asks
// the user; one without is a passthrough factor and runs on what is already known.
// This file is the shape only; graph checks (cycles, unknown factors, second factor on every
// path) are in check.ts and run on top of it, so every problem is reported at once.

/** Every authenticator a policy can use. NO_AUTHN always succeeds: it is for decisions. */
export const ACTIONS = ['GATEWAY_PASSWORD', 'GATEWAY_PASSWORD_AT_REPLAY', 'LDAP_BIND', 'ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'PUSH', 'OTP_CODE', 'WEBAUTHN', 'NO_AUTHN'] as const;
export type ActionName = (typeof ACTIONS)[number];

/** The actions that count as a second factor (something the user has), for the start-up check. */
export const SECOND_FACTOR_ACTIONS: ReadonlySet<ActionName> = new Set(['ANAKAM_DEVICE', 'ANAKAM_PASSCODE', 'PUSH', 'OTP_CODE', 'WEBAUTHN']);

export const isAction = (value: unknown): value is ActionName => typeof value === 'string' && (ACTIONS as readonly string[]).includes(value);

/** Field names the login pages use themselves; a login schema may not take them. */
const RESERVED_FIELDS = new Set(['csrf', 'passcode', 'remember']);

export const MAX_RULE_LENGTH = 1000;

// A letter first, so nothing like __proto__ can name a factor; lookups use Maps regardless.
export const factorName = z.string().regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, {
  error: 'must be a factor name: a letter, then up to 63 letters, digits, _ or -',
});

const fieldSchema = z.object({
  name: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'must be a form field name: a letter, then letters, digits or _')
    .refine((name) => !RESERVED_FIELDS.has(name) && !name.startsWith('fg_'), 'is reserved for factorgate\'s own pages')
    .describe('Name under which the field is posted, and under which the action reads it.'),
  label: z.string().min(1).max(200).describe('Text shown beside the field.'),
  type: z.enum(['text', 'password', 'otp', 'checkbox'])
    .describe('text, password (hidden while typed), otp (a one-time code: numeric keyboard, autofill from SMS) or checkbox.'),
  help: z.string().min(1).max(500).optional().describe('Help text shown under the field.'),
  autocomplete: z.string().regex(/^[a-z][a-z0-9 -]{0,63}$/, 'must be an HTML autocomplete token, e.g. one-time-code').optional()
    .describe('HTML autocomplete hint (default: one-time-code for otp, off otherwise).'),
});

export const loginSchemaSchema = z.object({
  fields: z.array(fieldSchema).min(1).max(10).describe('The fields the page shows, in order.'),
}).superRefine((schema, ctx) => {
  const seen = new Set<string>();
  schema.fields.forEach((field, i) => {
    if (seen.has(field.name)) ctx.addIssue({ code: 'custom', path: ['fields', i, 'name'], message: `duplicate field "${field.name}"` });
    seen.add(field.name);
  });
});

const policySchema = z.object({
  // YAML reads a bare `rule: true` as a boolean; it means the rule true.
  rule: z.union([z.string().min(1, 'must not be empty (write true for "always")').max(MAX_RULE_LENGTH), z.boolean().transform(String)])
    .describe('When this policy applies: a rule expression (see fixtures/flows/README.md), e.g. user.groups contains \'admins\'; true for always.'),
  action: z.enum(ACTIONS, { error: (issue) => `unknown action ${JSON.stringify(issue.input)} (one of ${ACTIONS.join(', ')})` })
    .describe('The authenticator: GATEWAY_PASSWORD (posted to the gateway at once; its session is held until the second factor holds, and logged out if it does not), GATEWAY_PASSWORD_AT_REPLAY (posted only after the second factor, for gateways that cannot have a session held), LDAP_BIND, ANAKAM_DEVICE (remembered device), ANAKAM_PASSCODE, PUSH, OTP_CODE, or NO_AUTHN (always succeeds, for decisions).'),
  next: factorName.optional().describe('Factor that follows when this policy wins; none means done: replay to the gateway.'),
  allowNoSecondFactor: z.boolean().default(false)
    .describe('Marks a path through this policy as intended to reach done without a second factor (only matters when requireSecondFactor is true).'),
  allowCode: z.boolean().default(false)
    .describe('PUSH only: the waiting page also takes a one-time code typed by hand, checked by the push server ("Enter the code manually").'),
}).refine((policy) => !policy.allowCode || policy.action === 'PUSH', { path: ['allowCode'], message: 'only a PUSH policy can take a typed code' });

const factorSchema = z.object({
  loginSchema: loginSchemaSchema.optional()
    .describe('The form shown before this factor\'s policies run; without one the factor is a passthrough and runs on what is already known.'),
  policies: z.array(policySchema).min(1, 'a factor needs at least one policy').max(20)
    .describe('Tried in order; the first whose rule holds and whose action succeeds wins. No winner ends the login.'),
});

export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

export const flowsSchema = z.object({
  requireSecondFactor: z.boolean().default(true)
    .describe('Refuse to start when a path reaches done without a second-factor action (ANAKAM_DEVICE, ANAKAM_PASSCODE, PUSH, OTP_CODE), unless a policy on it says allowNoSecondFactor.'),
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone, e.g. Europe/Berlin').default('UTC')
    .describe('Time zone of time.hour, time.minute and time.weekday in rules.'),
  entry: factorName.describe('The first factor: it runs on the user name and password the gateway\'s login page posted.'),
  factors: z.record(factorName, factorSchema).refine((factors) => Object.keys(factors).length <= 50, 'at most 50 factors')
    .describe('The factors (nFactor policy labels) by name.'),
});

export type FlowsConfig = z.infer<typeof flowsSchema>;
export type FlowsConfigInput = z.input<typeof flowsSchema>;
export type LoginSchema = z.infer<typeof loginSchemaSchema>;
export type LoginField = LoginSchema['fields'][number];
