// One error type for everything that ends a request early: a stable code, an HTTP
// status, and a message that is safe to show. Details for the administrator go to the log only.

export const errorCatalog = {
  not_found: { status: 404, message: 'There is nothing here. Go to the login page.' },
  payload_too_large: { status: 413, message: 'What was sent is too large. Go back to the login page and try again.' },
  unsupported_media_type: { status: 415, message: 'The request could not be understood. Go back to the login page and try again.' },
  bad_request: { status: 400, message: 'The request could not be understood. Go back to the login page and try again.' },
  csrf: { status: 403, message: 'This form has expired or did not come from this site. Reload the login page and try again.' },
  guarded_target: { status: 403, message: 'Sign in through the login page.' },
  other_tab: { status: 409, message: 'This sign-in continued in another tab or window. Go on there, or start again from the login page.' },
  no_login: { status: 400, message: 'Your sign-in has expired or was already finished. Start again from the login page.' },
  wrong_state: { status: 409, message: 'That step does not fit where your sign-in is. Start again from the login page.' },
  invalid_input: { status: 400, message: 'Please check what you typed and try again.' },
  user_name_realm: { status: 400, message: 'Sign in with your user name alone, without a domain: alice, not EXAMPLE\\alice or alice@example.com.' },
  user_name_realm_required: { status: 400, message: 'Sign in with your full user name, with its domain, as in alice@example.com.' },
  user_name_realm_unknown: { status: 400, message: 'That domain is not accepted here. Sign in with your user name and your organisation\'s domain.' },
  user_name_characters: { status: 400, message: 'Your user name holds special forms of letters (such as full-width characters). Type it with ordinary letters and digits.' },
  locked: { status: 403, message: 'Too many wrong passcodes: your account is locked for now. Wait a while, or ask your help desk.' },
  attempts_exhausted: { status: 403, message: 'Too many wrong passcodes for this sign-in. Start again from the login page.' },
  passcode_expired: { status: 400, message: 'The passcode has expired. Ask for a new one.' },
  method_unavailable: { status: 403, message: 'No way to send you a passcode is set up for your account. Ask your help desk.' },
  delivery_failed: { status: 502, message: 'The passcode could not be sent. Try again in a minute, or ask your help desk.' },
  second_factor_refused: { status: 403, message: 'The second factor was not accepted. Start again from the login page.' },
  push_denied: { status: 403, message: 'The sign-in was denied on your device. If that was not you, tell your help desk; otherwise start again from the login page.' },
  push_wrong_number: { status: 403, message: 'A different number was picked on your device than the one shown here, so that request was refused. Start again from the login page and pick the number it shows.' },
  push_expired: { status: 400, message: 'Your device did not answer in time, and that request has expired. Start again from the login page.' },
  no_push_device: { status: 403, message: 'No device is registered to approve your sign-in. Ask your help desk.' },
  push_refused: { status: 403, message: 'The sign-in was not accepted. Check your user name and password (or PIN) and try again; if they are right, no device is set up to approve your sign-in: ask your help desk.' },
  no_method: { status: 403, message: 'None of the ways to sign in that are set up here applies to you. Ask your help desk.' },
  no_otp_device: { status: 403, message: 'No authenticator app is registered for your account. Register one at /manageotp, or ask your help desk.' },
  no_passkey: { status: 403, message: 'No passkey or security key is registered for your account. Add one at /manageotp, use another way to sign in, or ask your help desk.' },
  passkey_refused: { status: 403, message: 'Your security key was refused: it may have been copied. Sign-in was stopped and your administrator can see why. Use another key, or ask your help desk.' },
  tfa_unavailable: { status: 503, message: 'The two-factor service is not answering right now. Nobody can sign in until it is back; try again in a few minutes.' },
  tfa_misconfigured: { status: 502, message: 'The two-factor service refused this gateway. Your administrator has been told; try again later.' },
  tfa_protocol: { status: 502, message: 'The two-factor service gave an answer that could not be trusted, so sign-in was stopped. Try again later.' },
  directory_unavailable: { status: 503, message: 'The directory that checks passwords is not answering right now. Try again in a few minutes.' },
  gateway_unavailable: { status: 502, message: 'The gateway is not answering right now. Try again in a few minutes.' },
  gateway_refused: { status: 401, message: 'The user name or password was not accepted. Try again.' },
  store_unavailable: { status: 503, message: 'Sign-in is not available for a moment. Try again in a minute; if it keeps happening, tell your help desk.' },
  rate_limited: { status: 429, message: 'Too many attempts. Wait a few minutes before trying again.' },
  internal: { status: 500, message: 'Something went wrong on our side. Try again; if it keeps happening, tell your help desk.' },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export class FactorgateError extends Error {
  readonly status: number;
  readonly userMessage: string;

  constructor(
    readonly code: ErrorCode,
    /** What happened, for the log line. Never a secret. */
    readonly detail: string = code,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'FactorgateError';
    this.status = errorCatalog[code].status;
    this.userMessage = errorCatalog[code].message;
  }
}

export function asFactorgateError(err: unknown): FactorgateError {
  if (err instanceof FactorgateError) return err;
  // Body-parser errors (malformed JSON, too large, bad charset, too many fields) are the client's: 4xx, never 5xx.
  const parser = err as { type?: unknown; status?: unknown; statusCode?: unknown } | null;
  const status = parser?.status ?? parser?.statusCode;
  if (typeof parser?.type === 'string' && typeof status === 'number' && status < 500) {
    const code = status === 413 ? 'payload_too_large' : status === 415 ? 'unsupported_media_type' : 'bad_request';
    return new FactorgateError(code, `request body refused: ${parser.type}`);
  }
  // A body that is not what its Content-Encoding says (zlib's own errors): the client's fault.
  if (typeof (err as { code?: unknown } | null)?.code === 'string' && /^Z_/.test((err as { code: string }).code)) {
    return new FactorgateError('bad_request', `request body does not decode: ${(err as { code: string }).code}`);
  }
  if (err instanceof Error && err.name === 'LdapUnavailableError') {
    const { detail, extra } = err as Error & { detail?: string; extra?: Record<string, unknown> };
    return new FactorgateError('directory_unavailable', detail ?? 'directory unavailable', extra ?? {});
  }
  // The state store could not answer (its errors carry no keys or values): fail closed, say so.
  if (err instanceof Error && err.name === 'StoreError') return new FactorgateError('store_unavailable', err.message);
  return new FactorgateError('internal', err instanceof Error ? `${err.name}: ${err.message}` : 'non-error thrown');
}

/** A configuration factorgate cannot start with: every problem, each under its dotted path. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}
