import type { Config } from '../config/schema.js';
import { FactorgateError, asFactorgateError, type ErrorCode } from '../errors.js';
import type { GatewayReplayer } from '../gateway/replay.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { Challenge, FactorOutcome, LoginContext, SecondFactorProvider } from '../providers/provider.js';
import { openDeviceCredential, sealDeviceCredential } from '../security/device_credential.js';
import { randomToken, type Keyring } from '../security/keyring.js';
import type { RateLimiter } from '../security/rate_limiter.js';
import { LoginRecords, type LoginRecord } from './login_record.js';
import { assertTransition } from './states.js';
import { sameToken } from '../security/csrf.js';
import { replayToGateway } from './steps/replay_to_gateway.js';
import type { Credentials } from './steps/read_credentials.js';
import type { ChallengeAnswer } from '../providers/provider.js';

export type Client = { ip: string; userAgent?: string };

export type Notice = { code: 'passcode_invalid' | 'passcode_expired' | 'device_refused' | 'passcode_resent'; attemptsRemaining?: number };

/** What a step of the login hands to the web layer, which renders it as JSON or as a page. */
export type LoginView =
  | { kind: 'challenge'; loginId: string; csrf: string; challenge: Challenge; notice?: Notice; forgetDevice: boolean }
  | { kind: 'done'; location: string; gatewayCookies: string[]; device?: { value: string; expiresAt: number }; forgetDevice: boolean }
  /** keepHandle: the request was refused but the login goes on (a forged post must not end it). */
  | { kind: 'failed'; error: FactorgateError; forgetDevice: boolean; keepHandle?: boolean };

export type LoginFlowDeps = {
  config: Config;
  provider: SecondFactorProvider;
  replayer: GatewayReplayer;
  records: LoginRecords;
  limiter: RateLimiter;
  keyring: Keyring;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
};

const failReasonCode: Record<string, ErrorCode> = {
  locked: 'locked',
  method_unavailable: 'method_unavailable',
  delivery_failed: 'delivery_failed',
  second_factor_refused: 'second_factor_refused',
  passcode_invalid: 'attempts_exhausted',
  passcode_expired: 'passcode_expired',
};

/**
 * The login, start to finish (states in states.ts):
 *   begin:  first factor in -> limits -> remembered device? -> provider.start -> challenge | replay
 *   answer: passcode in -> provider.answer -> challenge again | replay | failed
 *   resend: provider.resend -> challenge
 *   replay: sealed password -> gateway -> its cookies to the browser; the record is wiped
 */
export class LoginFlow {
  constructor(private readonly deps: LoginFlowDeps) {}

  async begin(credentials: Credentials, client: Client, deviceCookie: string | undefined): Promise<LoginView> {
    const { config, keyring, limiter, provider, now } = this.deps;
    const started = now();
    const id = randomToken();
    const record: LoginRecord = {
      id,
      state: 'started',
      username: credentials.username,
      sealedPassword: keyring.seal(credentials.password, `login:${id}`),
      clientIp: client.ip,
      userAgent: boundedUserAgent(client),
      provider: provider.name,
      providerState: {},
      path: 'passcode',
      csrf: randomToken(18),
      wrongAnswers: 0,
      resends: 0,
      createdAt: started,
      deadline: started + config.login.lifetimeSeconds * 1000,
    };
    let forgetDevice = false;
    this.deps.metrics.loginsStarted.inc({ provider: provider.name });
    try {
      await limiter.hit([
        { name: 'starts-user', max: config.limits.loginStartsPerUser, subject: record.username.toLowerCase() },
        { name: 'starts-client', max: config.limits.loginStartsPerClient, subject: record.clientIp },
      ]);
      if (await limiter.exceeded({ name: 'wrong-user', max: config.limits.wrongAnswersPerUser }, record.username.toLowerCase())) {
        throw new FactorgateError('rate_limited', 'user has too many recent wrong passcodes', { limit: 'wrong-user' });
      }
      let deviceCredential: string | undefined;
      if (deviceCookie) {
        const opened = openDeviceCredential(keyring, deviceCookie, record.username, now());
        if (opened.kind === 'valid') {
          deviceCredential = opened.credential;
          record.path = 'device';
        } else {
          forgetDevice = true;
          this.deps.logger.warn({ event: 'device_cookie_refused', user: record.username, clientIp: record.clientIp, why: opened.why }, 'remembered-device cookie not usable');
        }
      }
      const outcome = await provider.start(this.context(record), deviceCredential);
      if (outcome.outcome === 'challenge' && outcome.deviceRefused) {
        forgetDevice = true;
        record.path = 'passcode';
      }
      return await this.settle(record, outcome, forgetDevice, outcome.outcome === 'challenge' && outcome.deviceRefused ? { code: 'device_refused' } : undefined);
    } catch (err) {
      return this.fail(record, asFactorgateError(err), forgetDevice);
    }
  }

  async answer(loginId: string, csrf: unknown, client: Client, answer: ChallengeAnswer): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      const { provider, limiter, config } = this.deps;
      const outcome = await provider.answer(this.context(record), record.providerState, answer);
      if (outcome.outcome === 'fail' && outcome.reason === 'passcode_invalid') {
        record.wrongAnswers += 1;
        this.deps.logger.info({ event: 'passcode_invalid', user: record.username, clientIp: record.clientIp, wrongAnswers: record.wrongAnswers }, 'wrong passcode');
        await limiter.hit([{ name: 'wrong-user', max: config.limits.wrongAnswersPerUser, subject: record.username.toLowerCase() }]);
        const ours = config.login.maxPasscodeAttempts - record.wrongAnswers;
        const attemptsRemaining = Math.min(ours, outcome.attemptsRemaining ?? ours);
        if (outcome.canRetry && attemptsRemaining > 0) {
          return this.settle(record, { outcome: 'challenge', state: outcome.state, challenge: record.challenge! }, false, { code: 'passcode_invalid', attemptsRemaining });
        }
      }
      if (outcome.outcome === 'fail' && outcome.reason === 'passcode_expired') {
        return this.settle(record, { outcome: 'challenge', state: outcome.state, challenge: record.challenge! }, false, { code: 'passcode_expired' });
      }
      return this.settle(record, outcome, false);
    });
  }

  async resend(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (record.resends >= this.deps.config.limits.resendsPerLogin) {
        throw new FactorgateError('rate_limited', 'too many passcode resends for this login', { limit: 'resends' });
      }
      record.resends += 1;
      const outcome = await this.deps.provider.resend(this.context(record), record.providerState);
      return this.settle(record, outcome, false, outcome.outcome === 'challenge' ? { code: 'passcode_resent' } : undefined);
    });
  }

  /** Ends a login at the user's request; its record and credentials are wiped. False when refused. */
  async cancel(loginId: string, csrf: unknown, client: Client): Promise<boolean> {
    const record = await this.deps.records.load(loginId);
    if (!record) return true; // nothing left to cancel
    if (!csrfMatches(record, csrf) || !sameBrowser(record, client)) return false;
    await this.deps.records.remove(loginId);
    this.audit(record, 'cancelled');
    return true;
  }

  /** Ends a login this browser left behind when it starts a new one (no fixation, ASVS 3.2.1). */
  async abandon(loginId: string): Promise<void> {
    const record = await this.deps.records.load(loginId);
    if (!record) return;
    await this.deps.records.remove(loginId);
    this.audit(record, 'abandoned');
  }

  /** The current challenge of a login, for re-rendering the page (GET after a redirect). */
  async current(loginId: string, client: Client): Promise<LoginView> {
    const record = await this.deps.records.load(loginId);
    if (!record || record.state !== 'awaiting_answer' || !record.challenge || !sameBrowser(record, client)) {
      return { kind: 'failed', error: new FactorgateError('no_login', 'no login awaiting an answer'), forgetDevice: false };
    }
    return { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: record.challenge, forgetDevice: false };
  }

  /** Loads, checks and locks the login; any error ends it (fail closed). */
  private async withLogin(loginId: string, csrf: unknown, client: Client, step: (record: LoginRecord) => Promise<LoginView>): Promise<LoginView> {
    const { records, config } = this.deps;
    const record = await records.load(loginId);
    if (!record) return { kind: 'failed', error: new FactorgateError('no_login', 'unknown, finished or expired login handle'), forgetDevice: false };
    // The handle is bound to the browser that started the login: a copied cookie does not carry over.
    if (!sameBrowser(record, client)) {
      this.deps.logger.warn({ event: 'handle_other_browser', user: record.username, clientIp: client.ip, loginClientIp: record.clientIp }, 'login handle presented by another browser');
      return { kind: 'failed', error: new FactorgateError('no_login', 'handle presented by another browser'), forgetDevice: false, keepHandle: true };
    }
    if (!csrfMatches(record, csrf)) {
      const error = new FactorgateError('csrf', 'per-login CSRF token missing or wrong', { user: record.username });
      this.deps.logger.warn({ event: 'request_refused', code: error.code, user: record.username, clientIp: record.clientIp }, error.detail);
      return { kind: 'failed', error, forgetDevice: false, keepHandle: true };
    }
    if (record.state !== 'awaiting_answer') return this.fail(record, new FactorgateError('wrong_state', `answer in state ${record.state}`), false);
    if (!(await records.lock(record.id, config.tfa.timeoutMs * 4))) {
      return { kind: 'failed', error: new FactorgateError('wrong_state', 'concurrent post for the same login'), forgetDevice: false, keepHandle: true };
    }
    try {
      return await step(record);
    } catch (err) {
      return this.fail(record, asFactorgateError(err), false);
    } finally {
      await records.unlock(record.id);
    }
  }

  /** Moves the login on according to the provider's outcome. */
  private async settle(record: LoginRecord, outcome: FactorOutcome, forgetDevice: boolean, notice?: Notice): Promise<LoginView> {
    record.providerState = outcome.state;
    switch (outcome.outcome) {
      case 'challenge':
        record.challenge = outcome.challenge;
        await this.deps.records.save(record, 'awaiting_answer');
        this.deps.metrics.loginWaiting(record.id, record.deadline);
        return { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: outcome.challenge, notice, forgetDevice };
      case 'fail':
        return this.fail(record, new FactorgateError(failReasonCode[outcome.reason] ?? 'second_factor_refused', `second factor failed: ${outcome.reason}`), forgetDevice);
      case 'success':
        return this.replay(record, outcome.rememberDevice, forgetDevice);
    }
  }

  private async replay(record: LoginRecord, device: { credential: string; expiresAt: number } | undefined, forgetDevice: boolean): Promise<LoginView> {
    const { records, keyring, replayer } = this.deps;
    // Not persisted: the replay follows in the same request, and the record is wiped after it.
    assertTransition(record.state, 'second_factor_passed');
    record.state = 'second_factor_passed';
    try {
      const result = await replayToGateway(record, keyring, replayer);
      await records.remove(record.id);
      this.audit(record, 'success');
      const sealed = device ? { value: sealDeviceCredential(keyring, record.username, device.credential, device.expiresAt), expiresAt: device.expiresAt } : undefined;
      return { kind: 'done', location: result.location, gatewayCookies: result.cookies, device: sealed, forgetDevice: forgetDevice && !sealed };
    } catch (err) {
      return this.fail(record, asFactorgateError(err), forgetDevice);
    }
  }

  private async fail(record: LoginRecord, error: FactorgateError, forgetDevice: boolean): Promise<LoginView> {
    // If the store itself is what failed, the record cannot be deleted now; its TTL ends it.
    await this.deps.records.remove(record.id).catch(() => undefined);
    if (error.code === 'rate_limited') this.deps.metrics.rateLimitRefusals.inc({ limit: String(error.extra.limit ?? 'unknown') });
    const level = error.status >= 500 ? 'error' : 'warn';
    this.deps.logger[level]({ event: 'login_failed', code: error.code, detail: error.detail, ...error.extra, user: record.username, clientIp: record.clientIp, state: record.state }, error.detail);
    this.audit(record, error.code);
    return { kind: 'failed', error, forgetDevice };
  }

  private audit(record: LoginRecord, outcome: string): void {
    this.deps.metrics.loginsFinished.inc({ provider: record.provider, outcome, path: record.path });
    this.deps.metrics.loginEnded(record.id);
    this.deps.logger.info({
      event: 'login_finished', user: record.username, clientIp: record.clientIp, provider: record.provider,
      path: record.path, outcome, ms: this.deps.now() - record.createdAt,
    }, 'login finished');
  }

  private context(record: LoginRecord): LoginContext {
    return { username: record.username, clientIp: record.clientIp, deadline: record.deadline };
  }
}

const boundedUserAgent = (client: Client) => client.userAgent?.slice(0, 512);

/** The handle is bound to the browser that started the login (same User-Agent). */
function sameBrowser(record: LoginRecord, client: Client): boolean {
  return record.userAgent === boundedUserAgent(client);
}

function csrfMatches(record: LoginRecord, given: unknown): boolean {
  return sameToken(record.csrf, given);
}
