import type { Config } from '../config/schema.js';
import { FactorgateError, asFactorgateError } from '../errors.js';
import type { GatewayReplayer } from '../gateway/replay.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../metrics.js';
import type { ChallengeAnswer, FactorOutcome, LoginContext } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import { openDeviceCredential } from '../security/device_credential.js';
import { randomToken, type Keyring } from '../security/keyring.js';
import type { RateLimiter } from '../security/rate_limiter.js';
import { boundedUserAgent, csrfMatches, sameBrowser, type Client } from './access.js';
import { LoginRecords, openPassword, openPin, sealPassword, sealPin, type LoginRecord } from './login_record.js';
import { LoginOutcomes, type LoginView } from './outcomes.js';
import { checkStartLimits, countFirstFactorFailure } from './steps/check_start_limits.js';
import type { LdapFirstFactor } from '../first_factor/ldap_bind.js';
import type { Credentials } from './steps/read_credentials.js';

export type { Client } from './access.js';
export type { LoginView, Notice } from './outcomes.js';

/** Where a push stands, as the waiting page is told. */
export type PushVerdict = 'open' | 'approved' | 'denied' | 'expired';

export type LoginFlowDeps = {
  config: Config;
  providers: ProviderRegistry;
  replayer: GatewayReplayer;
  records: LoginRecords;
  limiter: RateLimiter;
  keyring: Keyring;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** The optional LDAP check of the password, before any challenge is sent. */
  firstFactor?: LdapFirstFactor;
};

/**
 * The login, start to finish (states in states.ts, endings in outcomes.ts):
 *   begin:   first factor in -> limits -> LDAP bind (optional) -> remembered device? -> provider.start -> challenge | replay
 *   answer:  passcode or code in -> provider.answer -> challenge again | replay | failed
 *   resend:  provider.resend -> a new challenge, the old one void
 *   confirm: a push the user acted on -> provider.poll -> replay | failed | still waiting
 */
export class LoginFlow {
  private readonly outcomes: LoginOutcomes;

  constructor(private readonly deps: LoginFlowDeps) {
    this.outcomes = new LoginOutcomes(deps);
  }

  async begin(credentials: Credentials, client: Client, deviceCookie: string | undefined): Promise<LoginView> {
    const { config, keyring, now, providers } = this.deps;
    const id = randomToken();
    const provider = providers.choose(credentials.username, client.ip);
    const record: LoginRecord = {
      id, state: 'started', username: credentials.username, sealedPassword: sealPassword(id, credentials.password, keyring),
      clientIp: client.ip, userAgent: boundedUserAgent(client), provider: provider.name, providerState: {},
      path: 'passcode', csrf: randomToken(18), wrongAnswers: 0, resends: 0, createdAt: now(), deadline: now() + config.login.lifetimeSeconds * 1000,
      ...(credentials.pin === undefined ? {} : { sealedPin: sealPin(id, credentials.pin, keyring) }),
    };
    let forgetDevice = false;
    this.deps.metrics.loginsStarted.inc({ provider: provider.name });
    try {
      await checkStartLimits(this.deps.limiter, config.limits, record.username, record.clientIp);
      if (this.deps.firstFactor) {
        const checked = await this.deps.firstFactor.verify(credentials.username, credentials.password, record.deadline);
        if (checked.outcome === 'fail') {
          await countFirstFactorFailure(this.deps.limiter, config.limits, record.username);
          throw new FactorgateError('gateway_refused', 'directory refused the password', { firstFactor: 'ldap' });
        }
      }
      let deviceCredential: string | undefined;
      if (deviceCookie) {
        const opened = openDeviceCredential(keyring, deviceCookie, record.username, now());
        if (opened.kind === 'valid') deviceCredential = opened.credential;
        else {
          forgetDevice = true;
          this.deps.logger.warn({ event: 'device_cookie_refused', user: record.username, clientIp: record.clientIp, why: opened.why }, 'remembered-device cookie not usable');
        }
      }
      const outcome = await provider.start(this.context(record), deviceCredential);
      const deviceRefused = outcome.outcome === 'challenge' && outcome.deviceRefused === true;
      forgetDevice ||= deviceRefused;
      record.path = pathOf(outcome, deviceCredential !== undefined && !deviceRefused);
      return await this.outcomes.settle(record, outcome, forgetDevice, deviceRefused ? { code: 'device_refused' } : undefined);
    } catch (err) {
      return this.outcomes.fail(record, asFactorgateError(err), forgetDevice);
    }
  }

  async answer(loginId: string, csrf: unknown, client: Client, answer: ChallengeAnswer): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      const { limiter, config } = this.deps;
      if (record.challenge?.kind === 'push') {
        if (!record.challenge.canEnterCode) throw new FactorgateError('wrong_state', 'code typed where only a push is allowed');
        record.path = 'code';
      }
      const outcome = await this.provider(record).answer(this.context(record), record.providerState, answer);
      if (outcome.outcome === 'fail' && outcome.reason === 'passcode_invalid') {
        record.wrongAnswers += 1;
        this.deps.logger.info({ event: 'passcode_invalid', user: record.username, clientIp: record.clientIp, wrongAnswers: record.wrongAnswers }, 'wrong passcode');
        await limiter.hit([{ name: 'wrong-user', max: config.limits.wrongAnswersPerUser, subject: record.username.toLowerCase() }]);
        const ours = config.login.maxPasscodeAttempts - record.wrongAnswers;
        const attemptsRemaining = Math.min(ours, outcome.attemptsRemaining ?? ours);
        if (outcome.canRetry && attemptsRemaining > 0) return this.outcomes.again(record, outcome.state, { code: 'passcode_invalid', attemptsRemaining });
      }
      if (outcome.outcome === 'fail' && outcome.reason === 'passcode_expired') return this.outcomes.again(record, outcome.state, { code: 'passcode_expired' });
      return this.outcomes.settle(record, outcome, false);
    });
  }

  async resend(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (record.resends >= this.deps.config.limits.resendsPerLogin) {
        throw new FactorgateError('rate_limited', 'too many resends for this login', { limit: 'resends' });
      }
      record.resends += 1;
      const push = record.challenge?.kind === 'push';
      if (push) this.deps.logger.info({ event: 'push_resend', user: record.username, clientIp: record.clientIp }, 'user asked for a new push');
      const outcome = await this.provider(record).resend(this.context(record), record.providerState);
      return this.outcomes.settle(record, outcome, false, outcome.outcome === 'challenge' ? { code: push ? 'push_resent' : 'passcode_resent' } : undefined);
    });
  }

  /** The waiting page says the user acted on the push: ask the server again, and let them in only if it says approved. */
  async confirmPush(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (record.challenge?.kind !== 'push') throw new FactorgateError('wrong_state', 'no push to confirm');
      const outcome = await this.poll(record);
      if (outcome.outcome === 'fail' && outcome.reason === 'push_expired') {
        this.deps.logger.info({ event: 'push_timeout', user: record.username, clientIp: record.clientIp }, 'no answer from the device within the timeout');
        return record.resends < this.deps.config.limits.resendsPerLogin || record.challenge.canEnterCode
          ? this.outcomes.again(record, outcome.state, { code: 'push_expired' })
          : this.outcomes.settle(record, outcome, false);
      }
      return this.outcomes.settle(record, outcome, false);
    });
  }

  /** Where the login's push stands, for the watcher that tells waiting pages; undefined once the login is gone. */
  async pushVerdict(loginId: string): Promise<PushVerdict | undefined> {
    const record = await this.deps.records.load(loginId);
    if (!record || record.state !== 'awaiting_answer' || record.challenge?.kind !== 'push') return undefined;
    const outcome = await this.poll(record);
    if (outcome.outcome === 'success') return 'approved';
    if (outcome.outcome === 'challenge') return 'open';
    return outcome.reason === 'push_expired' ? 'expired' : 'denied';
  }

  /** Whether this browser may wait on this login's push (the events stream checks before it opens). */
  async mayWatch(loginId: string, client: Client): Promise<boolean> {
    const record = await this.deps.records.load(loginId);
    return !!record && record.challenge?.kind === 'push' && sameBrowser(record, client);
  }

  /** Ends a login at the user's request; its record and credentials are wiped. False when refused. */
  async cancel(loginId: string, csrf: unknown, client: Client): Promise<boolean> {
    const record = await this.deps.records.load(loginId);
    if (!record) return true; // nothing left to cancel
    if (!csrfMatches(record, csrf) || !sameBrowser(record, client)) return false;
    await this.deps.records.remove(loginId);
    this.outcomes.audit(record, 'cancelled');
    return true;
  }

  /** Ends a login this browser left behind when it starts a new one (no fixation, ASVS 3.2.1). */
  async abandon(loginId: string): Promise<void> {
    const record = await this.deps.records.load(loginId);
    if (!record) return;
    await this.deps.records.remove(loginId);
    this.outcomes.audit(record, 'abandoned');
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
    if (record.state !== 'awaiting_answer') return this.outcomes.fail(record, new FactorgateError('wrong_state', `answer in state ${record.state}`), false);
    if (!(await records.lock(record.id, config.tfa.timeoutMs * 4))) {
      return { kind: 'failed', error: new FactorgateError('wrong_state', 'concurrent post for the same login'), forgetDevice: false, keepHandle: true };
    }
    try {
      return await step(record);
    } catch (err) {
      return this.outcomes.fail(record, asFactorgateError(err), false);
    } finally {
      await records.unlock(record.id);
    }
  }

  private poll(record: LoginRecord): Promise<FactorOutcome> {
    const provider = this.provider(record);
    if (!provider.poll) throw new FactorgateError('internal', `provider ${provider.name} cannot be polled`);
    return provider.poll(this.context(record), record.providerState);
  }

  private provider(record: LoginRecord) {
    return this.deps.providers.get(record.provider);
  }

  private context(record: LoginRecord): LoginContext {
    return {
      username: record.username, clientIp: record.clientIp, deadline: record.deadline,
      password: () => openPassword(record, this.deps.keyring),
      tokenPin: () => openPin(record, this.deps.keyring),
    };
  }
}

function pathOf(outcome: FactorOutcome, deviceAccepted: boolean): LoginRecord['path'] {
  if (deviceAccepted) return 'device';
  return outcome.outcome === 'challenge' && outcome.challenge.kind === 'push' ? 'push' : 'passcode';
}
