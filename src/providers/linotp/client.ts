import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { createSecureContext } from 'node:tls';
import type { AxiosInstance } from 'axios';
import { callFailure, closeOutbound, outboundClient } from '../../outbound/http_client.js';
import { ConfigError, FactorgateError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { LinotpConfig } from './config.js';
import { MAX_TOKENS_LISTED, readCodeReply, readPushReply, readStatusReply, readTokenList, TRANSACTION_ID, type ListedPushToken, type PushStart, type PushStatus } from './replies.js';

export type LinotpClientOptions = Pick<LinotpConfig, 'urls' | 'timeoutMs' | 'maxSockets' | 'tls'> & {
  logger: Logger;
  now: () => number;
  /** Told of every callout to one server: its command, outcome (HTTP status class, timeout or error) and duration. */
  onCallout?: (command: string, outcome: string, seconds: number) => void;
};

export type PushRequest = { user: string; pass: string; data: string; number: number };
export type StatusRequest = { user: string; pass: string; transactionId: string };
/** With transactionId the code is checked against that challenge; without, LinOTP gets pass + code (PIN then OTP). */
export type CodeRequest = { user: string; pass: string; code: string; transactionId?: string };
export type { ListedPushToken, PushStart, PushStatus };

const MAX_REPLY_BYTES = 64 * 1024;
const MAX_DATA_CHARS = 512;
const MAX_FIELD_CHARS = 1024;

/** How a command goes: validate commands are POSTed forms; the admin listing a GET with a query. */
type Request = {
  command: string; method: 'get' | 'post'; path: string; form: Record<string, string>;
  /** False when the caller logs the failure itself, in one line (the admin listing). */
  logUnreachable?: boolean;
};

type Attempt = { kind: 'answer'; status: number; body: unknown } | { kind: 'unreachable'; cause: string };

/** The HTTP callouts of the LinOTP validate API (docs/design.md), with failover across `urls`. */
export class LinotpClient {
  private readonly http: AxiosInstance;
  private readonly urls: string[];

  constructor(private readonly options: LinotpClientOptions) {
    this.urls = options.urls.map((url) => url.replace(/\/+$/, ''));
    // One keep-alive pool for every login: callouts reuse connections instead of opening one each.
    this.http = outboundClient({ maxSockets: options.maxSockets, maxReplyBytes: MAX_REPLY_BYTES, timeoutMs: options.timeoutMs, tls: tlsMaterial(options.tls) });
  }

  /** Starts a push (number matching: the phone shows `number`); a refusal means no push token or a wrong PIN. */
  async startPush(request: PushRequest, deadline: number): Promise<PushStart> {
    const { user, pass, data, number } = request;
    assertFields({ user, pass, data });
    if (!Number.isInteger(number) || number < 10 || number > 99) throw new FactorgateError('internal', 'push number must be 10 to 99');
    if (data.length > MAX_DATA_CHARS) throw new FactorgateError('internal', `push data longer than ${MAX_DATA_CHARS} characters`);
    const form = { user, pass, data, content_type: '0', number: String(number) };
    return readPushReply(await this.call('start_push', '/validate/check', form, deadline), 'start_push', [pass]);
  }

  /** Where the push stands; `open` past the challenge's validity is the caller's to call expired. */
  async status(request: StatusRequest, deadline: number): Promise<PushStatus> {
    const { user, pass, transactionId } = request;
    assertFields({ user, pass }, transactionId);
    const body = await this.call('check_status', '/validate/check_status', { user, pass, transactionid: transactionId }, deadline);
    return readStatusReply(body, transactionId, 'check_status', [pass]);
  }

  /**
   * Withdraws a push nobody waits for any more (factorgate's extension of the API, linotp.withdrawPushes):
   * true when an open transaction was withdrawn, false when there was none to withdraw.
   */
  async withdraw(request: StatusRequest, deadline: number): Promise<boolean> {
    const { user, pass, transactionId } = request;
    assertFields({ user, pass }, transactionId);
    const body = await this.call('withdraw', '/validate/cancel_transaction', { user, pass, transactionid: transactionId }, deadline);
    return readCodeReply(body, 'withdraw', [pass]);
  }

  /** Checks a code typed by hand: true accepted, false refused. */
  async checkCode(request: CodeRequest, deadline: number): Promise<boolean> {
    const { user, pass, code, transactionId } = request;
    assertFields({ user, pass, code }, transactionId);
    if (code.length === 0) throw new FactorgateError('invalid_input', 'empty code');
    const form: Record<string, string> = transactionId === undefined ? { user, pass: pass + code } : { user, pass: code, transactionid: transactionId };
    return readCodeReply(await this.call('check_code', '/validate/check', form, deadline), 'check_code', [pass, code]);
  }

  /**
   * The user's push tokens as LinOTP's admin API lists them (GET /admin/show), for the
   * administrator's view. Sent as the validate calls are (same servers, TLS and client
   * certificate); a server that does not allow it answers 401/403 or 404, which throw.
   */
  async listPushTokens(user: string, deadline: number): Promise<ListedPushToken[]> {
    assertFields({ user });
    const form = { user, pagesize: String(MAX_TOKENS_LISTED) };
    return readTokenList(await this.send({ command: 'admin_show', method: 'get', path: '/admin/show', form, logUnreachable: false }, deadline), 'admin_show');
  }

  close(): void {
    closeOutbound(this.http);
  }

  /**
   * Sends one command to the first server that answers and returns its parsed JSON body.
   * Failover happens only when a server could not be reached, timed out or answered 5xx. A definite
   * answer (2xx, 4xx, or a body we refuse) is never sent on to the next server: a second server
   * would start a second push on the user's phone, or count a second attempt of the same code.
   * A timeout is the one ambiguous case (server n may have started a push): it fails over all the
   * same, so the login survives a hung server; only the transaction id we get back is ever polled.
   */
  private call(command: string, path: string, form: Record<string, string>, deadline: number): Promise<unknown> {
    return this.send({ command, method: 'post', path, form }, deadline);
  }

  private async send(request: Request, deadline: number): Promise<unknown> {
    const { command } = request;
    if (deadline - this.options.now() <= 0) throw new FactorgateError('no_login', 'login deadline passed before the callout', { command });
    let cause = 'deadline';
    let tried = 0;
    for (const [urlIndex, base] of this.urls.entries()) {
      // Each callout gets its own timeout, cut short by what is left of the whole login.
      const left = deadline - this.options.now();
      if (left <= 0) break;
      tried += 1;
      const attempt = await this.attempt(request, urlIndex, base, Math.min(this.options.timeoutMs, left));
      if (attempt.kind === 'answer') return definite(command, urlIndex, attempt.status, attempt.body);
      cause = attempt.cause;
      if (request.logUnreachable !== false) this.options.logger.warn({ event: 'callout_unreachable', command, urlIndex, cause }, 'LinOTP server did not answer');
    }
    throw new FactorgateError('tfa_unavailable', 'no LinOTP server answered', { command, cause, tried });
  }

  private async attempt(request: Request, urlIndex: number, base: string, timeout: number): Promise<Attempt> {
    const { command, method, path, form } = request;
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    const query = new URLSearchParams(form).toString();
    try {
      const response = method === 'get'
        ? await this.http.get(`${base}${path}?${query}`, { timeout, headers: { Accept: 'application/json' } })
        : await this.http.post(`${base}${path}`, query, { timeout, headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' } });
      const { status } = response;
      this.options.onCallout?.(command, `${Math.floor(status / 100)}xx`, seconds());
      this.options.logger.debug({ event: 'callout', command, httpStatus: status, urlIndex, ms: Math.round(seconds() * 1000) }, 'LinOTP callout');
      return status >= 500 ? { kind: 'unreachable', cause: `http_${status}` } : { kind: 'answer', status, body: response.data };
    } catch (err) {
      const failure = callFailure(err);
      this.options.onCallout?.(command, failure.kind === 'timeout' ? 'timeout' : 'error', seconds());
      // The server did answer, with a body too large or cut off: definite, and not to be trusted.
      if (failure.kind === 'unreadable') throw new FactorgateError('tfa_protocol', 'reply too large or unreadable', { command, urlIndex, cause: failure.cause });
      return { kind: 'unreachable', cause: failure.cause };
    }
  }
}

/** A server's definite answer: the JSON of a 2xx, or an error that is not retried elsewhere. */
function definite(command: string, urlIndex: number, status: number, body: unknown): unknown {
  if (status === 401 || status === 403) {
    throw new FactorgateError('tfa_misconfigured', 'LinOTP server refused factorgate (client certificate?)', { command, urlIndex, httpStatus: status });
  }
  if (status < 200 || status >= 300) throw new FactorgateError('tfa_protocol', 'unexpected HTTP status', { command, urlIndex, httpStatus: status });
  try {
    if (typeof body !== 'string') throw new TypeError('no text body');
    return JSON.parse(body) as unknown;
  } catch {
    throw new FactorgateError('tfa_protocol', 'reply is not JSON', { command, urlIndex, httpStatus: status });
  }
}

/** Type confusion is refused before any work is done: a field that is not text never reaches a server. */
function assertFields(values: Record<string, unknown>, transactionId?: unknown): void {
  for (const [name, value] of Object.entries(values)) {
    if (typeof value !== 'string' || value.length > MAX_FIELD_CHARS) throw new FactorgateError('invalid_input', `${name} is not acceptable text`);
  }
  if (transactionId !== undefined && (typeof transactionId !== 'string' || !TRANSACTION_ID.test(transactionId))) {
    throw new FactorgateError('internal', 'transaction id is malformed');
  }
}

/**
 * Reads the PEM files once, at start. A given CA replaces Node's default trust store for these
 * connections: that is how LinOTP's server_certificate is pinned. Bad files stop the start.
 */
function tlsMaterial(tls: LinotpConfig['tls']): AgentOptions {
  const read = (key: 'caFile' | 'certFile' | 'keyFile'): Buffer | undefined => {
    const file = tls[key];
    if (!file) return undefined;
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError([`linotp.tls.${key}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'})`]);
    }
  };
  const material: AgentOptions = { rejectUnauthorized: tls.rejectUnauthorized };
  const ca = read('caFile');
  const cert = read('certFile');
  const key = read('keyFile');
  if (ca) material.ca = ca;
  if (cert) material.cert = cert;
  if (key) material.key = key;
  try {
    // Node skips what it cannot parse (a garbage CA file would silently trust nothing) and OpenSSL
    // drops a key that does not fit the certificate: check both here, so a bad file stops the start.
    if (ca) certificates(ca, 'caFile');
    if (cert && key && !certificates(cert, 'certFile')[0]!.checkPrivateKey(createPrivateKey(key))) throw new Error('keyFile does not match certFile');
    createSecureContext(material);
  } catch (err) {
    throw new ConfigError([`linotp.tls: the PEM files are not usable (${(err as Error).message.slice(0, 120)})`]);
  }
  return material;
}

function certificates(pem: Buffer, setting: string): X509Certificate[] {
  const blocks = pem.toString('latin1').match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error(`${setting} holds no PEM certificate`);
  return blocks.map((block) => new X509Certificate(block));
}
