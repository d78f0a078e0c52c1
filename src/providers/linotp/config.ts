import { z } from 'zod';

// The `linotp` section (docs/design.md, The LinOTP validate API): one schema holds every default
// and its documentation. Cross-field checks report by dotted path and run even when an
// unrelated key is wrong, so an administrator sees every problem at once.

const httpUrl = z.url({ protocol: /^https?$/ });
const filePath = z.string().min(1).max(4096);

// Issues already raised under these keys make a cross-field check pointless (and its input untyped).
const fieldsValid = (keys: string[]) => (payload: { issues: Array<{ path?: PropertyKey[] }> }) =>
  payload.issues.every((issue) => !keys.includes(String(issue.path?.[0])) && !(issue.path?.length === 0));

const tlsSchema = z.object({
  caFile: filePath.optional()
    .describe('PEM file of the CA (or server certificate) that signed the LinOTP server\'s certificate. When set, only it is trusted: the system store is ignored (pinning).'),
  certFile: filePath.optional().describe('PEM client certificate presented to the LinOTP server (LinOTP\'s access_certificate); needs keyFile.'),
  keyFile: filePath.optional().describe('PEM private key of certFile.'),
  rejectUnauthorized: z.boolean().default(true)
    .describe('Refuse a server certificate that does not verify. Turning it off disables every TLS check, pinning included.'),
}).superRefine((tls, ctx) => {
  if (Boolean(tls.certFile) !== Boolean(tls.keyFile)) {
    ctx.addIssue({ code: 'custom', path: [tls.certFile ? 'keyFile' : 'certFile'], message: 'certFile and keyFile go together' });
  }
  // A pinned CA that is never checked is a silent downgrade: refuse the combination outright.
  if (tls.caFile && !tls.rejectUnauthorized) {
    ctx.addIssue({ code: 'custom', path: ['rejectUnauthorized'], message: 'must stay true when caFile pins the server CA' });
  }
}, { when: fieldsValid(['caFile', 'certFile', 'keyFile', 'rejectUnauthorized']) });

export const linotpConfigSchema = z.object({
  urls: z.array(httpUrl).min(1, 'needs at least one URL').max(8)
    .describe('LinOTP servers (e.g. https://linotp.example.net), tried in order: a later one only when an earlier one cannot be reached or answers 5xx.'),
  otppin: z.literal([0, 1, 2]).default(1)
    .describe('What `pass` carries to LinOTP (its otppin policy): 0 the token PIN typed by the user, 1 the user\'s password, 2 nothing.'),
  timeoutMs: z.number().int().min(100).max(60_000).default(5000)
    .describe('Time allowed for each whole callout to one server, the reply read to its end (cut short by the login deadline).'),
  maxSockets: z.number().int().min(1).max(1024).default(16).describe('Keep-alive connections kept to each LinOTP server.'),
  tls: tlsSchema.prefault({}).describe('TLS towards the LinOTP servers: pinned CA and client certificate.'),
  challengeValiditySeconds: z.number().int().min(10).max(600).default(120)
    .describe('How long a push can be answered: set it to the LinOTP server\'s own challenge validity (its push Timeout, 120 s by default). The login page waits exactly this long, so the page and the phone keep one clock.'),
  withdrawPushes: z.boolean().default(false)
    .describe('Withdraw a push the login no longer waits for (cancelled, sent again, another way chosen, timed out) with POST /validate/cancel_transaction, so the phone stops offering it. Only for a server that offers this call (the demo\'s does; LinOTP itself does not). Without it factorgate still refuses such a push.'),
  pollIntervalMs: z.number().int().min(200).max(10_000).default(1000)
    .describe('First wait between two status checks of a push.'),
  pollMaxIntervalMs: z.number().int().min(200).max(30_000).default(5000)
    .describe('Longest wait between two status checks once backing off.'),
}).superRefine((linotp, ctx) => {
  if (linotp.pollMaxIntervalMs < linotp.pollIntervalMs) {
    ctx.addIssue({ code: 'custom', path: ['pollMaxIntervalMs'], message: `must be at least pollIntervalMs (${linotp.pollIntervalMs})` });
  }
}, { when: fieldsValid(['pollIntervalMs', 'pollMaxIntervalMs']) });

export type LinotpConfig = z.infer<typeof linotpConfigSchema>;
export type LinotpConfigInput = z.input<typeof linotpConfigSchema>;
