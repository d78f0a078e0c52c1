import type { AxiosInstance } from 'axios';
import { callFailure, closeOutbound, outboundClient } from '../../outbound/http_client.js';
import { FactorgateError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { AnakamProfile, AnakamCommand, AnakamStatus } from './profile.js';
import { buildChallengeRequest, parseReply, type ChallengeFields } from './xml.js';

export type AnakamClientOptions = {
  baseUrl: string;
  apiUser: string;
  apiPassword: string;
  applicationKey: string;
  timeoutMs: number;
  maxSockets: number;
  profile: AnakamProfile;
  logger: Logger;
  now: () => number;
  /** Told of every callout: its command, outcome (HTTP status class or transport error) and duration. */
  onCallout?: (command: string, outcome: string, seconds: number) => void;
};

export type ChallengeReply = { status: AnakamStatus; values: Map<string, string> };

const MAX_REPLY_BYTES = 64 * 1024;

/** The HTTP callouts of the Anakam API (docs/design.md). Speaks the vendor's words; callers see AnakamStatus keys. */
export class AnakamClient {
  private readonly http: AxiosInstance;
  private readonly statusByWord: Map<string, AnakamStatus>;
  private readonly base: string;

  constructor(private readonly options: AnakamClientOptions) {
    const { profile } = options;
    this.base = `${options.baseUrl.replace(/\/+$/, '')}${profile.apiPath}/${profile.version}/${profile.tenant}`;
    this.statusByWord = new Map(Object.entries(profile.statuses).map(([key, word]) => [word, key as AnakamStatus]));
    // One keep-alive pool for every login: callouts reuse connections instead of opening one each.
    this.http = outboundClient({
      maxSockets: options.maxSockets, maxReplyBytes: MAX_REPLY_BYTES, timeoutMs: options.timeoutMs,
      auth: { username: options.apiUser, password: options.apiPassword },
    });
  }

  async acquireAuthKey(username: string, deadline: number): Promise<string> {
    const { profile } = this.options;
    const url = `${this.base}/${profile.paths.auth}`;
    const params = { [profile.query.applicationKey]: this.options.applicationKey, [profile.query.userKey]: username };
    const body = await this.call('auth', deadline, (timeout) => this.http.post(url, '', { params, timeout, headers: { 'Content-Type': 'application/xml' } }));
    const values = parseReply(body, profile.elements.authResponse);
    const status = this.statusOf(values, 'auth');
    if (status !== 'tokenCreated') throw new FactorgateError('tfa_protocol', `auth answered ${status}`, { command: 'auth' });
    const authKey = values.get(profile.elements.authKey) ?? '';
    // The key goes into a URL path: accept only a plain token.
    if (!/^[A-Za-z0-9._~-]{8,128}$/.test(authKey)) throw new FactorgateError('tfa_protocol', 'auth key missing or malformed', { command: 'auth' });
    return authKey;
  }

  async challenge(authKey: string, command: AnakamCommand, fields: ChallengeFields, deadline: number): Promise<ChallengeReply> {
    const { profile } = this.options;
    const url = `${this.base}/${profile.paths.challenge}/${encodeURIComponent(authKey)}`;
    const xml = buildChallengeRequest(profile, command, fields);
    const body = await this.call(command, deadline, (timeout) => this.http.put(url, xml, { timeout, headers: { 'Content-Type': 'application/xml' } }));
    const values = parseReply(body, profile.elements.challengeResponse);
    return { status: this.statusOf(values, command), values };
  }

  value(reply: ChallengeReply, element: keyof AnakamProfile['elements']): string | undefined {
    return reply.values.get(this.options.profile.elements[element]);
  }

  close(): void {
    closeOutbound(this.http);
  }

  private statusOf(values: Map<string, string>, command: string): AnakamStatus {
    const word = values.get(this.options.profile.elements.status);
    const status = word === undefined ? undefined : this.statusByWord.get(word);
    if (!status) throw new FactorgateError('tfa_protocol', 'unknown or missing status', { command, status: word?.slice(0, 64) });
    return status;
  }

  /** Runs one callout and maps transport and HTTP failures to errors; returns the body of a 2xx. */
  private async call(command: string, deadline: number, send: (timeoutMs: number) => Promise<{ status: number; data: unknown }>): Promise<unknown> {
    // Each callout gets its own timeout, cut short by what is left of the whole login.
    const left = deadline - this.options.now();
    if (left <= 0) throw new FactorgateError('no_login', 'login deadline passed before the callout', { command });
    const started = performance.now();
    let response: { status: number; data: unknown };
    try {
      response = await send(Math.min(this.options.timeoutMs, left));
    } catch (err) {
      const failure = callFailure(err);
      this.options.onCallout?.(command, failure.kind === 'timeout' ? 'timeout' : 'error', (performance.now() - started) / 1000);
      if (failure.kind === 'unreadable') throw new FactorgateError('tfa_protocol', 'reply too large or unreadable', { command, cause: failure.cause });
      throw new FactorgateError('tfa_unavailable', failure.kind === 'timeout' ? 'callout timed out' : 'callout failed', { command, cause: failure.cause });
    }
    const ms = Math.round(performance.now() - started);
    this.options.onCallout?.(command, `${Math.floor(response.status / 100)}xx`, ms / 1000);
    this.options.logger.debug({ event: 'callout', command, httpStatus: response.status, ms }, 'two-factor callout');
    const { status } = response;
    if (status >= 200 && status < 300) return response.data;
    if (status === 401 || status === 403) throw new FactorgateError('tfa_misconfigured', 'two-factor server refused the API credentials', { command, httpStatus: status });
    if (status === 404 || status === 410) throw new FactorgateError('no_login', 'two-factor server no longer knows this auth key', { command, httpStatus: status });
    if (status >= 500) throw new FactorgateError('tfa_unavailable', 'two-factor server error', { command, httpStatus: status });
    throw new FactorgateError('tfa_protocol', 'unexpected HTTP status', { command, httpStatus: status });
  }
}
