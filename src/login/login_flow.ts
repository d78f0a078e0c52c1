import type { Config } from '../config/schema.js';
import { FactorgateError, asFactorgateError } from '../errors.js';
import type { GatewayReplayer } from '../gateway/replay.js';
import type { Challenge, ChallengeAnswer, FactorOutcome } from '../providers/provider.js';
import { openDeviceCredential } from '../security/device_credential.js';
import { randomToken } from '../security/keyring.js';
import { evaluateRule, pathLabel, readLoginFields, resumeFlow, startFlow, succeededFactors, type EngineStep, type LoginFields, type LoginSchema } from '../flows/index.js';
import { boundedUserAgent, csrfMatches, sameBrowser, type Client } from './access.js';
import { LoginRecords, sealDevice, sealPassword, sealPin, type LoginRecord } from './login_record.js';
import { LoginOutcomes, type LoginView, type Notice } from './outcomes.js';
import { FlowRun, type FlowRunDeps } from './flow_run.js';
import type { TotpProvider } from '../providers/totp/totp_provider.js';
import { checkAnswer, countWrongAnswer } from './steps/count_wrong_answer.js';
import type { UserName } from '../identity/user_names.js';

export type { Client } from './access.js';

/** The first factor as the login form gave it, the name already made the user's key. */
export type LoginCredentials = { user: UserName; password: string; pin?: string };
export type { LoginView, Notice } from './outcomes.js';

/** Where a push stands, as the waiting page is told. */
export type PushVerdict = 'open' | 'approved' | 'denied' | 'expired';

/** What a flow run needs (the flow, providers, keys, limits, the LDAP bind), and what ends a login: the replay and the records. */
export type LoginFlowDeps = FlowRunDeps & {
  replayer: GatewayReplayer;
  records: LoginRecords;
};

/**
 * The login, start to finish, as its flow says (src/flows/engine.ts runs the flow; FlowRun maps
 * its actions to authenticators; states in states.ts, endings in outcomes.ts):
 *   begin:   first factor in -> limits -> remembered device? -> the flow from its entry -> a form | a challenge | replay
 *   provide: a factor's form in -> the flow goes on
 *   answer:  passcode or code in -> provider.answer -> again (wrong, expired) | the flow goes on
 *   resend:  provider.resend -> a new challenge, the old one void
 *   confirm: a push the user acted on -> provider.poll -> the flow goes on | still waiting
 *   another: the user gives up the open challenge; the factor's next policy is tried
 */
export class LoginFlow {
  private readonly outcomes: LoginOutcomes;
  /** How long one post may hold its login (from the configuration: the same for every post). */
  private readonly lockMs: number;

  constructor(private readonly deps: LoginFlowDeps) {
    this.lockMs = lockMs(deps.config);
    this.outcomes = new LoginOutcomes({
      ...deps,
      setupUri: (record) => (deps.providers.get('totp') as TotpProvider).setupUri(record.username, record.providerState),
    });
  }

  async begin(credentials: LoginCredentials, client: Client, deviceCookie: string | undefined): Promise<LoginView> {
    const { config, keyring, now, providers } = this.deps;
    const { user } = credentials;
    const id = randomToken();
    const record: LoginRecord = {
      id, state: 'started', username: user.key, realm: user.realm, gatewayName: user.forGateway, sealedPassword: sealPassword(id, credentials.password, keyring),
      clientIp: client.ip, userAgent: boundedUserAgent(client), provider: 'none', providerState: {},
      path: 'none', csrf: randomToken(18), wrongAnswers: 0, resends: 0, createdAt: now(), deadline: now() + config.login.lifetimeSeconds * 1000,
      device: { presented: deviceCookie !== undefined, accepted: false }, choice: providers.choose(user, client.ip).name,
      ...(credentials.pin === undefined ? {} : { sealedPin: sealPin(id, credentials.pin, keyring) }),
    };
    const run = this.run(record, client);
    try {
      await this.deps.limits.admitStart(record.username, record.clientIp);
      if (deviceCookie) this.openDeviceCookie(record, deviceCookie, run);
      return await this.settle(record, await startFlow(this.deps.flow, run.facts, run.act), run);
    } catch (err) {
      return this.outcomes.fail(record, asFactorgateError(err), run.forgetDevice);
    }
  }

  /** The form of a factor with a login schema, posted. */
  async provide(loginId: string, csrf: unknown, client: Client, form: unknown): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      const schema = record.asking === undefined ? undefined : this.deps.flow.factors.get(record.asking)?.loginSchema;
      if (!schema || !record.flow) throw new FactorgateError('wrong_state', 'form posted where no form is asked');
      const read = readLoginFields(schema, form);
      // A field left out or too long is the user's to fix: the login stays open.
      if (!read.ok) return { kind: 'failed', error: new FactorgateError('invalid_input', `form field ${read.field}: ${read.why}`), forgetDevice: false, keepHandle: true };
      const run = this.run(record, client, undefined, read.fields);
      return this.settle(record, await resumeFlow(this.deps.flow, record.flow, run.facts, run.act), run);
    });
  }

  async answer(loginId: string, csrf: unknown, client: Client, answer: ChallengeAnswer): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (!record.challenge) throw new FactorgateError('wrong_state', 'passcode posted where a form is asked');
      if (record.challenge.kind === 'push') {
        if (!record.challenge.canEnterCode) throw new FactorgateError('wrong_state', 'code typed where only a push is allowed');
        record.path = 'code';
      }
      const outcome = await checkAnswer(this.deps, record, this.provider(record), this.run(record, client).context(), record.providerState, answer);
      const notice = countWrongAnswer(this.deps, record, outcome);
      if (notice) return this.outcomes.again(record, outcome.state, notice, this.another(record, client));
      if (outcome.outcome === 'fail' && outcome.reason === 'passcode_expired') return this.outcomes.again(record, outcome.state, { code: 'passcode_expired' }, this.another(record, client));
      return this.goOn(record, client, outcome);
    });
  }

  async resend(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (!record.challenge || record.challenge.kind === 'enrol') throw new FactorgateError('wrong_state', 'nothing to send again in this step');
      if (record.resends >= this.deps.config.limits.resendsPerLogin) {
        throw new FactorgateError('rate_limited', 'too many resends for this login', { limit: 'resends' });
      }
      record.resends += 1;
      const push = record.challenge.kind === 'push';
      if (push) this.deps.logger.info({ event: 'push_resend', user: record.username, clientIp: record.clientIp }, 'user asked for a new push');
      const outcome = await this.provider(record).resend(this.run(record, client).context(), record.providerState);
      return this.goOn(record, client, outcome, { code: push ? 'push_resent' : 'passcode_resent' });
    });
  }

  /** The waiting page says the user acted on the push: ask the server again, and let them in only if it says approved. */
  async confirmPush(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (record.challenge?.kind !== 'push') throw new FactorgateError('wrong_state', 'no push to confirm');
      const outcome = await this.poll(record);
      if (outcome.outcome === 'fail' && outcome.reason === 'push_expired') {
        this.deps.logger.info({ event: 'push_timeout', user: record.username, clientIp: record.clientIp }, 'no answer from the device within the timeout');
        if (record.resends < this.deps.config.limits.resendsPerLogin || record.challenge.canEnterCode) {
          return this.outcomes.again(record, outcome.state, { code: 'push_expired' }, this.another(record, client));
        }
      }
      return this.goOn(record, client, outcome);
    });
  }

  /** The user gives up the open challenge ("use another way"): it counts as failed, and the factor's next policy runs. */
  async tryAnother(loginId: string, csrf: unknown, client: Client): Promise<LoginView> {
    return this.withLogin(loginId, csrf, client, async (record) => {
      if (!record.challenge || !record.flow || !this.another(record, client)) throw new FactorgateError('wrong_state', 'no other way to try here');
      this.deps.logger.info({ event: 'another_way', user: record.username, clientIp: record.clientIp, provider: record.provider }, 'user gave up the open challenge for the next policy');
      record.challenge = undefined;
      const run = this.run(record, client, 'fail');
      return this.settle(record, await resumeFlow(this.deps.flow, record.flow, run.facts, run.act), run);
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

  /** The open step of a login, for re-rendering the page (GET after a redirect). */
  async current(loginId: string, client: Client): Promise<LoginView> {
    const record = await this.deps.records.load(loginId);
    if (!record || record.state !== 'awaiting_answer' || !sameBrowser(record, client)) {
      return { kind: 'failed', error: new FactorgateError('no_login', 'no login awaiting an answer'), forgetDevice: false };
    }
    const fields = record.asking === undefined ? undefined : this.deps.flow.factors.get(record.asking)?.loginSchema?.fields;
    if (fields) return { kind: 'ask', loginId: record.id, csrf: record.csrf, factor: record.asking!, fields, forgetDevice: false };
    if (!record.challenge) return { kind: 'failed', error: new FactorgateError('no_login', 'no step open'), forgetDevice: false };
    return this.outcomes.withSetup(record, { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: record.challenge, forgetDevice: false, another: this.another(record, client) });
  }

  /** How the login moves on from what the engine did: wait for the user, replay, or fail. */
  private async settle(record: LoginRecord, step: EngineStep<Challenge>, run: FlowRun): Promise<LoginView> {
    const common = { loginId: record.id, csrf: record.csrf, notice: run.notice, forgetDevice: run.forgetDevice };
    record.flow = step.state;
    switch (step.kind) {
      case 'ask': {
        if (await this.nothingToAsk(record, step.factor, step.loginSchema)) {
          // A form that asks only for a code the user cannot have yet: its factor runs without it (OTP_CODE enrols).
          const next = this.run(record, run.client, undefined, new Map());
          next.inherit(run);
          return this.settle(record, await resumeFlow(this.deps.flow, step.state, next.facts, next.act), next);
        }
        record.asking = step.factor;
        record.challenge = undefined;
        return this.outcomes.waiting(record, { kind: 'ask', factor: step.factor, fields: step.loginSchema.fields, ...common });
      }
      case 'challenge':
        record.asking = undefined;
        return this.outcomes.waiting(record, { kind: 'challenge', challenge: step.challenge, another: this.another(record, undefined, run), ...common });
      case 'done':
        record.flowPath = pathLabel(this.deps.flow, step.path);
        return this.outcomes.replay(record, run.rememberDevice, run.forgetDevice);
      case 'failed':
        if (step.reason === 'stale_state') return this.outcomes.fail(record, new FactorgateError('wrong_state', 'the login flow changed since this login began'), run.forgetDevice);
        return this.outcomes.fail(record, this.outcomes.noWinner(record), run.forgetDevice);
    }
  }

  /** A form of one-time-code fields only, before OTP_CODE, for a user with no device while otp.withoutDevice is enrol. */
  private async nothingToAsk(record: LoginRecord, factor: string, schema: LoginSchema): Promise<boolean> {
    if (this.deps.config.otp.withoutDevice !== 'enrol' || !schema.fields.every((f) => f.type === 'otp')) return false;
    // Whether the user has an app is not told before the password is known to be right: until then
    // the form is shown to everyone (OTP_CODE checks the password, then enrols a user without one).
    if (!record.passwordChecked) return false;
    if (!this.deps.flow.factors.get(factor)?.policies.some((p) => p.action === 'OTP_CODE')) return false;
    return !(await (this.deps.providers.get('totp') as TotpProvider).hasDevice(record.username));
  }

  /** A provider's outcome for the open challenge: still open (a new challenge), or the flow goes on with its result. */
  private async goOn(record: LoginRecord, client: Client, outcome: FactorOutcome, notice?: Notice): Promise<LoginView> {
    const run = this.run(record, client);
    const result = run.result(outcome);
    if (typeof result === 'object') {
      return this.outcomes.waiting(record, {
        kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: result.challenge, notice, forgetDevice: false, another: this.another(record, client),
      });
    }
    run.resumeWith(result);
    return this.settle(record, await resumeFlow(this.deps.flow, record.flow!, run.facts, run.act), run);
  }

  /** Whether a later policy of the open challenge's factor applies now, so the user may try it instead. */
  private another(record: LoginRecord, client: Client | undefined, run = this.run(record, client ?? { ip: record.clientIp })): boolean {
    const state = record.flow;
    if (!state || state.waiting !== 'challenge') return false;
    const later = this.deps.flow.factors.get(state.factor)?.policies.slice(state.policy + 1) ?? [];
    const context = { ...run.facts(), succeeded: succeededFactors(state) };
    return later.some((policy) => evaluateRule(policy.rule, context));
  }

  private openDeviceCookie(record: LoginRecord, cookie: string, run: FlowRun): void {
    const opened = openDeviceCredential(this.deps.keyring, cookie, record.username, this.deps.now());
    if (opened.kind === 'valid') {
      record.device.accepted = true;
      record.sealedDevice = sealDevice(record.id, opened.credential, this.deps.keyring);
      return;
    }
    run.forgetDevice = true;
    this.deps.logger.warn({ event: 'device_cookie_refused', user: record.username, clientIp: record.clientIp, why: opened.why }, 'remembered-device cookie not usable');
  }

  private run(record: LoginRecord, client: Client, verdict?: 'fail', fields?: LoginFields): FlowRun {
    return new FlowRun(this.deps, record, client, verdict, fields);
  }

  /** Loads, checks and locks the login; any error ends it (fail closed). */
  private async withLogin(loginId: string, csrf: unknown, client: Client, step: (record: LoginRecord) => Promise<LoginView>): Promise<LoginView> {
    const { records } = this.deps;
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
    if (!(await records.lock(record.id, this.lockMs))) {
      return { kind: 'failed', error: new FactorgateError('wrong_state', 'concurrent post for the same login'), forgetDevice: false, keepHandle: true };
    }
    let current = record;
    try {
      // Read again under the lock: a post that loaded the login before another one ended or moved it
      // must not act on its stale copy (it would replay the wiped password again).
      const locked = await records.load(record.id);
      if (!locked || locked.state !== 'awaiting_answer') {
        return { kind: 'failed', error: new FactorgateError('no_login', 'login ended while this post waited for it'), forgetDevice: false };
      }
      current = locked;
      // A login begun under another flow (the configuration changed) ends before any callout is made for it.
      if (current.flow && current.flow.flow !== this.deps.flow.fingerprint) throw new FactorgateError('wrong_state', 'the login flow changed since this login began');
      return await step(current);
    } catch (err) {
      return this.outcomes.fail(current, asFactorgateError(err), false);
    } finally {
      await records.unlock(record.id);
    }
  }

  private poll(record: LoginRecord): Promise<FactorOutcome> {
    const provider = this.provider(record);
    if (!provider.poll) throw new FactorgateError('internal', `provider ${provider.name} cannot be polled`);
    return provider.poll(this.run(record, { ip: record.clientIp }).context(), record.providerState);
  }

  private provider(record: LoginRecord) {
    return this.deps.providers.get(record.provider);
  }
}

/** How long one post may hold its login: a few of the slowest callout a step can make (each is bounded by its timeout). */
function lockMs(config: Config): number {
  const timeouts = [config.anakam.timeoutMs, config.linotp?.timeoutMs ?? 0, config.ldap.enabled ? config.ldap.timeoutMs : 0, config.otp.ldap.timeoutMs];
  return 4 * Math.max(...timeouts);
}
