import { z } from 'zod';
import { FactorgateError } from '../../errors.js';

// LinOTP's JSON replies (docs/design.md, The LinOTP validate API) are untrusted: each is parsed with zod and mapped
// to a few named outcomes here, so the vendor's vocabulary stays inside this adapter.
// Unknown extra fields are ignored; a missing or mistyped field we rely on is a protocol error.
// Whatever is not a clear verdict is an error, never an approval.

export const TRANSACTION_ID = /^\d{6,32}$/;
const MESSAGE_CHARS = 200;

/** A server text we do not pass on, cut short anyway. */
const message = z.string().transform((text) => text.slice(0, MESSAGE_CHARS));
/** A server text we pass on: masked and cut short by `scrub` (masking first, so no secret is half cut). */
const shownText = z.string();
const transactionId = z.string().regex(TRANSACTION_ID, 'transaction id must be 6 to 32 digits');

const errorResult = z.object({
  status: z.literal(false),
  error: z.object({ code: z.number().int().optional(), message: shownText.optional() }).optional(),
});
const valueResult = z.object({ status: z.literal(true), value: z.boolean() });
const result = z.discriminatedUnion('status', [valueResult, errorResult]);

export const checkReplySchema = z.object({
  result,
  detail: z.object({
    transactionid: transactionId.optional(),
    linotp_tokenserial: message.optional(),
    linotp_tokentype: message.optional(),
    message: shownText.optional(),
  }).optional(),
});

export const transactionSchema = z.object({
  status: z.string().max(32),
  received_tan: z.boolean().optional(),
  valid_tan: z.boolean().optional(),
  received_count: z.number().int().min(0).optional(),
  message: message.optional(),
  accept: z.boolean().optional(),
  reject: z.boolean().optional(),
  wrong_number: z.boolean().optional(),
});

export const checkStatusReplySchema = z.object({
  result,
  detail: z.object({ transactions: z.record(z.string(), z.unknown()) }).optional(),
});

export type PushStart = { kind: 'started'; transactionId: string } | { kind: 'refused'; message: string };
export type PushStatus = 'open' | 'approved' | 'denied' | 'wrong_number';

/** Reply to starting a push: a transaction id, or a refusal (no push token, wrong PIN). */
export function readPushReply(body: unknown, command: string, secrets: string[] = []): PushStart {
  const reply = parse(checkReplySchema, body, command);
  const verdict = valueOf(reply.result, command, secrets);
  // value:true means LinOTP authenticated `pass` alone (a PIN-only token, say): no second factor
  // was performed, so this must not pass for a started push, nor for success.
  if (verdict) throw new FactorgateError('tfa_protocol', 'server accepted the PIN without a challenge', { command });
  const id = reply.detail?.transactionid;
  if (id !== undefined) return { kind: 'started', transactionId: id };
  return { kind: 'refused', message: scrub(reply.detail?.message ?? '', secrets) };
}

/** Reply to check_status: only `closed` with a valid TAN is approved, only `reject` is denied (a wrong number picked, with `wrong_number`). */
export function readStatusReply(body: unknown, transactionId: string, command: string, secrets: string[] = []): PushStatus {
  const reply = parse(checkStatusReplySchema, body, command);
  // value:false: the user/PIN does not match the transaction, so there is nothing to trust.
  if (!valueOf(reply.result, command, secrets)) throw new FactorgateError('tfa_protocol', 'check_status refused the user or PIN', { command });
  const transactions = reply.detail?.transactions ?? {};
  // Own keys only: a reply must not reach Object.prototype through a crafted id.
  if (!Object.hasOwn(transactions, transactionId)) throw new FactorgateError('tfa_protocol', 'transaction missing from check_status', { command });
  const tx = parse(transactionSchema, transactions[transactionId], command);
  if (tx.reject === true && (tx.accept === true || tx.valid_tan === true)) {
    throw new FactorgateError('tfa_protocol', 'transaction both rejected and accepted', { command });
  }
  if (tx.reject === true) return tx.wrong_number === true ? 'wrong_number' : 'denied';
  if (tx.status === 'open') return 'open';
  if (tx.status === 'closed' && tx.valid_tan === true && tx.accept !== false) return 'approved';
  throw new FactorgateError('tfa_protocol', 'transaction without a verdict', {
    command, status: tx.status.slice(0, 32), validTan: tx.valid_tan, accept: tx.accept,
  });
}

/** Reply to a typed code checked against the transaction: accepted or refused. */
export function readCodeReply(body: unknown, command: string, secrets: string[] = []): boolean {
  return valueOf(parse(checkReplySchema, body, command).result, command, secrets);
}

/** A server message with every secret we sent masked (a server may echo its parameters back), cut short. */
export function scrub(text: string, secrets: string[]): string {
  const masked = secrets.filter((secret) => secret.length > 0).reduce((out, secret) => out.split(secret).join('[redacted]'), text);
  return masked.slice(0, MESSAGE_CHARS);
}

function valueOf(res: z.infer<typeof result>, command: string, secrets: string[]): boolean {
  if (res.status) return res.value;
  throw new FactorgateError('tfa_protocol', 'server reported an error', {
    command, serverCode: res.error?.code, serverMessage: scrub(res.error?.message ?? '', secrets),
  });
}

function parse<S extends z.ZodType>(schema: S, body: unknown, command: string): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  // Say where the reply went wrong, never what it held.
  const where = parsed.error.issues.slice(0, 3).map((issue) => issue.path.join('.') || '(root)');
  throw new FactorgateError('tfa_protocol', 'reply does not match the LinOTP schema', { command, where });
}

/** A push token as LinOTP's admin API lists it, in the words the administrator reads. */
export type ListedPushToken = { serial: string; description: string; active?: boolean; failCount?: number };

/** Tokens listed for one user at most: more than a person reads, fewer than a reply could hold. */
export const MAX_TOKENS_LISTED = 50;

/** Server text for a page or a terminal: no control characters (no escape sequences), cut short. */
const listedText = z.string().max(4096).transform((text) => text.replace(/\p{Cc}/gu, '?').slice(0, MESSAGE_CHARS));

const listedTokenSchema = z.object({
  'LinOtp.TokenSerial': listedText.pipe(z.string().min(1)),
  'LinOtp.TokenType': z.string().max(64).optional(),
  'LinOtp.TokenDesc': listedText.optional(),
  'LinOtp.Isactive': z.boolean().optional(),
  'LinOtp.FailCount': z.number().int().min(0).optional(),
});

export const tokenListReplySchema = z.object({
  result: z.discriminatedUnion('status', [
    z.object({ status: z.literal(true), value: z.object({ data: z.array(listedTokenSchema).max(1000) }) }),
    errorResult,
  ]),
});

/** Reply to GET /admin/show: the push tokens among the user's (LinOTP lists every type), the first MAX_TOKENS_LISTED. */
export function readTokenList(body: unknown, command: string): ListedPushToken[] {
  const { result: listed } = parse(tokenListReplySchema, body, command);
  if (!listed.status) throw new FactorgateError('tfa_protocol', 'server refused the token listing', { command, serverCode: listed.error?.code });
  return listed.value.data
    .filter((token) => token['LinOtp.TokenType']?.toLowerCase() === 'push')
    .slice(0, MAX_TOKENS_LISTED)
    .map((token) => ({
      serial: token['LinOtp.TokenSerial'],
      description: token['LinOtp.TokenDesc'] ?? '',
      ...(token['LinOtp.Isactive'] !== undefined && { active: token['LinOtp.Isactive'] }),
      ...(token['LinOtp.FailCount'] !== undefined && { failCount: token['LinOtp.FailCount'] }),
    }));
}
