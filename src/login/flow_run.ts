import { FactorgateError } from '../errors.js';
import type { LdapFirstFactor } from '../ldap/first_factor.js';
import type { ActAt, ActResult, ActionName, CompiledFlow, LoginFields, RuleFacts } from '../flows/index.js';
import type { Logger } from '../log.js';
import type { Metrics } from '../ops/metrics.js';
import type { Challenge, FactorOutcome, LoginContext, RememberedDevice, SecondFactorProvider } from '../providers/provider.js';
import type { ProviderRegistry } from '../providers/registry.js';
import type { AnakamProvider } from '../providers/anakam/anakam_provider.js';
import type { TotpProvider } from '../providers/totp/totp_provider.js';
import type { Keyring } from '../security/keyring.js';
import type { Limits } from '../security/limits.js';
import type { UserName, UserNames } from '../identity/user_names.js';
import type { Config } from '../config/schema.js';
import type { Client } from './access.js';
import type { VerifyPassword } from '../identity/verify_password.js';
import { openDevice, openPassword, openPin, type LoginRecord } from './login_record.js';
import type { Notice } from './outcomes.js';
import { checkAnswer, countWrongAnswer } from './steps/count_wrong_answer.js';

export type FlowRunDeps = {
  config: Config;
  /** The login's flow: the configured one, or the default built from ldap and providers. */
  flow: CompiledFlow;
  providers: ProviderRegistry;
  keyring: Keyring;
  limits: Limits;
  /** Makes the user's key from the directory's account name after LDAP_BIND. */
  userNames: UserNames;
  logger: Logger;
  metrics: Metrics;
  now: () => number;
  /** The LDAP bind, for the flow action LDAP_BIND. */
  firstFactor?: LdapFirstFactor;
  /** The password checked where the flow has not (an LDAP bind when configured, else at the gateway): before a device is enrolled. */
  verifyPassword?: VerifyPassword;
};

/** How each action shows in the coarse `path` of the audit line and the metrics. */
const PATH_OF: Partial<Record<ActionName, LoginRecord['path']>> = {
  ANAKAM_DEVICE: 'device', ANAKAM_PASSCODE: 'passcode', OTP_CODE: 'passcode', PUSH: 'push',
};

/**
 * One request's run of the login's flow: the engine's `act` (each flow action mapped to its
 * authenticator), the facts its rules see, and what the run leaves for the reply (a device to
 * remember or forget, a notice). Actions write what the login must keep into the record; the
 * caller saves it.
 */
export class FlowRun {
  rememberDevice?: RememberedDevice;
  forgetDevice = false;
  notice?: Notice;
  /** The factor whose policy is being run. */
  private factor?: string;

  constructor(
    private readonly deps: FlowRunDeps,
    readonly record: LoginRecord,
    readonly client: Client,
    /** The open action's result, decided by the caller (an answer, a poll): what a resumed act returns. */
    private verdict?: ActResult<Challenge>,
    /** What the current factor's form posted. */
    private readonly fields?: LoginFields,
  ) {}

  facts = (): RuleFacts => ({
    client: { ip: this.record.clientIp },
    user: { name: this.record.username, realm: this.record.realm, groups: this.record.groups },
    headers: this.client.headers ?? {},
    now: this.deps.now(),
    device: this.record.device,
    providers: { choice: this.record.choice },
  });

  act = async (action: Exclude<ActionName, 'NO_AUTHN'>, at: ActAt): Promise<ActResult<Challenge>> => {
    this.factor = at.factor;
    if (at.resumed) {
      if (this.verdict === undefined) throw new FactorgateError('wrong_state', 'the open step was resumed without an answer');
      return this.verdict;
    }
    const policy = this.deps.flow.factors.get(at.factor)?.policies[at.index];
    switch (action) {
      case 'GATEWAY_PASSWORD':
        return 'success'; // checked by the gateway when the login is replayed
      case 'LDAP_BIND':
        return this.ldapBind();
      case 'ANAKAM_DEVICE':
        return this.anakamDevice();
      case 'ANAKAM_PASSCODE': {
        // The auth key of a refused device, when there was one: the server sees one login.
        const prior = this.record.provider === 'anakam' ? this.record.providerState : undefined;
        return this.run(action, 'anakam', (provider) => provider.start(this.context(), undefined, prior));
      }
      case 'PUSH':
        // A push start that checks a PIN or the password (LinOTP otppin 0, 1) is a guess like any other.
        return this.run(action, policy?.allowCode ? 'push_with_code' : 'push', (provider) => provider.startChecksSecret
          ? this.deps.limits.guess(this.record.username, () => provider.start(this.context()), (o) => o.outcome === 'fail' && o.reason === 'push_refused')
          : provider.start(this.context()));
      case 'OTP_CODE':
        return this.otpCode();
    }
  };

  /** Carries what an earlier run of the same request leaves for the reply (a device to forget, a notice). */
  inherit(earlier: FlowRun): void {
    this.rememberDevice ??= earlier.rememberDevice;
    this.forgetDevice ||= earlier.forgetDevice;
    this.notice ??= earlier.notice;
  }

  /** The open action ended with this result: the engine goes on from it. */
  resumeWith(result: ActResult<Challenge>): void {
    this.verdict = result;
  }

  /** A provider's outcome as the engine's result; what the login must keep goes into the record. */
  result(outcome: FactorOutcome): ActResult<Challenge> {
    this.record.providerState = outcome.state;
    switch (outcome.outcome) {
      case 'success':
        this.rememberDevice = outcome.rememberDevice;
        return 'success';
      case 'challenge':
        this.record.challenge = outcome.challenge;
        return { challenge: outcome.challenge };
      case 'fail':
        this.record.lastFailure = outcome.reason;
        return 'fail';
    }
  }

  context(): LoginContext {
    const { record } = this;
    return {
      username: record.username, clientIp: record.clientIp, deadline: record.deadline, passwordChecked: record.passwordChecked === true,
      password: () => openPassword(record, this.deps.keyring),
      tokenPin: () => openPin(record, this.deps.keyring),
    };
  }

  private async run(action: ActionName, name: string, call: (provider: SecondFactorProvider) => Promise<FactorOutcome>): Promise<ActResult<Challenge>> {
    this.use(action, name);
    return this.result(await call(this.deps.providers.get(name)));
  }

  /** Marks the provider in use; the first one a login uses labels its start in the metrics. */
  private use(action: ActionName, name: string): void {
    if (this.record.provider === 'none') this.deps.metrics.loginsStarted.inc({ provider: name });
    this.record.provider = name;
    this.record.path = PATH_OF[action] ?? this.record.path;
  }

  private async ldapBind(): Promise<ActResult<Challenge>> {
    const { firstFactor, limits, logger } = this.deps;
    const { record } = this;
    if (!firstFactor) throw new FactorgateError('internal', 'LDAP_BIND without an ldap section');
    // A password field in this factor's form is what is bound with; else the login page's password.
    const typed = this.fieldValue('password');
    const password = typed ?? openPassword(record, this.deps.keyring);
    const checked = await limits.guess(record.username, () => firstFactor.verify(record.username, password, record.deadline), (c) => c.outcome === 'fail');
    if (checked.outcome === 'fail') {
      logger.info({ event: 'first_factor_refused', user: record.username, clientIp: record.clientIp, firstFactor: 'ldap' }, 'directory refused the password');
      record.lastFailure = 'first_factor';
      return 'fail';
    }
    await this.become(this.deps.userNames.fromDirectory(checked.account, this.user()));
    record.groups = checked.groups.slice(0, MAX_GROUPS).map((g) => g.slice(0, 512));
    record.passwordChecked = true;
    return 'success';
  }

  /**
   * From here on the user is who the password check says (with LDAP, the directory's account
   * name), whatever spelling was typed. A different key is a different user to the limits (their
   * lock is checked again) and to the remembered-device cookie (opened for the typed spelling, so
   * no longer counted).
   */
  private async become(user: UserName): Promise<void> {
    const { record } = this;
    if (user.key === record.username) return;
    this.deps.logger.info({ event: 'user_named_by_directory', typed: record.username, user: user.key, clientIp: record.clientIp }, 'the directory names the user differently from the typed name');
    await this.deps.limits.refuseIfLocked(user.key);
    record.username = user.key;
    record.gatewayName = user.forGateway;
    record.device.accepted = false;
    delete record.sealedDevice;
  }

  private user(): UserName {
    return { key: this.record.username, realm: this.record.realm, forGateway: this.record.gatewayName };
  }

  private async anakamDevice(): Promise<ActResult<Challenge>> {
    const credential = openDevice(this.record, this.deps.keyring);
    if (credential === undefined) return 'fail'; // no cookie that opened: nothing to ask the server
    this.use('ANAKAM_DEVICE', 'anakam');
    const provider = this.deps.providers.get('anakam') as AnakamProvider;
    const result = this.result(await provider.checkDevice(this.context(), credential));
    if (result === 'fail') {
      // The server no longer knows the device: the cookie goes, and the next page says why.
      this.forgetDevice = true;
      this.notice = { code: 'device_refused' };
    }
    return result;
  }

  /**
   * factorgate's own codes: the code from this factor's form when it has an otp field, else a page
   * that asks. Enrolling a first app needs the password known to be right, and so that a wrong
   * password does not learn who has an app, it is checked for every user when enrolment is on.
   */
  private async otpCode(): Promise<ActResult<Challenge>> {
    const provider = this.deps.providers.get('totp') as TotpProvider;
    this.use('OTP_CODE', 'totp');
    if (this.deps.config.otp.withoutDevice === 'enrol' && !(await this.passwordRight('otp_enrol'))) return 'fail';
    const started = await provider.start(this.context());
    if (started.outcome === 'fail' && started.reason === 'no_otp_device' && this.deps.config.otp.withoutDevice === 'enrol') {
      return this.result(await provider.enrol(this.context()));
    }
    const typed = this.fieldValue('otp');
    if (typed === undefined || started.outcome !== 'challenge') return this.result(started);
    this.record.challenge = started.challenge;
    const outcome = await checkAnswer(this.deps, this.record, provider, this.context(), started.state, { passcode: typed, rememberDevice: false });
    const notice = countWrongAnswer(this.deps, this.record, outcome);
    if (notice) {
      // A typo in the form is not the end: the code page asks again, within the same limits.
      this.notice = notice;
      return { challenge: started.challenge };
    }
    return this.result(outcome);
  }

  /** Whether the password is right, checked now (as one guess) where no earlier step has checked it. */
  private async passwordRight(before: string): Promise<boolean> {
    const { record, deps } = this;
    if (record.passwordChecked) return true;
    if (!deps.verifyPassword) throw new FactorgateError('internal', `${before} without a password check`);
    const password = openPassword(record, deps.keyring);
    const checked = await deps.limits.guess(record.username, () => deps.verifyPassword!(this.user(), password, { ip: record.clientIp, userAgent: record.userAgent }), (u) => u === undefined);
    if (!checked) {
      deps.logger.info({ event: 'first_factor_refused', user: record.username, clientIp: record.clientIp, before }, 'password refused before the second factor');
      record.lastFailure = 'first_factor';
      return false;
    }
    await this.become(checked);
    record.passwordChecked = true;
    return true;
  }

  /** The value posted for this factor's first field of that type, if its form has one. */
  private fieldValue(type: 'otp' | 'password'): string | undefined {
    const schema = this.factor === undefined ? undefined : this.deps.flow.factors.get(this.factor)?.loginSchema;
    const field = schema?.fields.find((f) => f.type === type);
    const value = field ? this.fields?.get(field.name) : undefined;
    return typeof value === 'string' ? value : undefined;
  }
}

const MAX_GROUPS = 200;
