import { FactorgateError } from '../errors.js';
import type { ActAt, ActResult, ActionName, CompiledPolicy, LoginFields, RuleFacts } from '../flows/index.js';
import type { UserName } from '../identity/user_names.js';
import type { Challenge, FactorOutcome, LoginContext, RememberedDevice } from '../providers/provider.js';
import { ACTIONS } from './actions/index.js';
import { countWrongAnswer } from './answers.js';
import type { ActionStep } from './actions/step.js';
import type { Client } from './client.js';
import type { LoginDeps } from './deps.js';
import type { LoginPath, LoginRecord } from './record.js';
import { providerContext } from './provider_context.js';
import { openDevice } from './sealed_credentials.js';
import type { Notice } from './views.js';

/** How each action shows in the coarse `path` of the audit line and the metrics. */
const PATH_OF: Partial<Record<ActionName, LoginPath>> = {
  ANAKAM_DEVICE: 'device', ANAKAM_PASSCODE: 'passcode', OTP_CODE: 'passcode', PUSH: 'push', WEBAUTHN: 'webauthn',
};

/**
 * One request's run of the login's flow, made once per request (it is the ActionStep every
 * action gets): the engine's `act` (each flow
 * action in actions/), the facts its rules see, and what the run leaves for the reply (a device
 * to remember or forget, a notice). What an action learns reaches the record only through the
 * methods below, which the caller then saves.
 */
export class Run implements ActionStep {
  rememberDevice?: RememberedDevice;
  forgetDevice = false;
  notice?: Notice;
  /** The open action's result, decided by the caller (an answer, a poll, giving it up): what its resumed act returns. */
  private verdict?: ActResult<Challenge>;
  /** What the current factor's form posted. */
  private fields?: LoginFields;
  /** Where the action being run stands. */
  private at?: ActAt;

  constructor(readonly deps: LoginDeps, readonly record: LoginRecord, readonly client: Client) {}

  /** The form the user posted for the factor that asked. */
  withFields(fields: LoginFields): this {
    this.fields = fields;
    return this;
  }

  /** The open action ended with this result: the engine goes on from it. */
  resumeWith(result: ActResult<Challenge>): this {
    this.verdict = result;
    return this;
  }

  facts = (): RuleFacts => ({
    client: { ip: this.record.clientIp },
    user: { name: this.record.username, realm: this.record.realm, groups: this.record.groups },
    headers: this.client.headers ?? {},
    now: this.deps.now(),
    device: this.record.device,
    providers: { choice: this.record.choice },
  });

  act = async (action: Exclude<ActionName, 'NO_AUTHN'>, at: ActAt): Promise<ActResult<Challenge>> => {
    this.at = at;
    if (at.resumed) {
      if (this.verdict === undefined) throw new FactorgateError('wrong_state', 'the open step was resumed without an answer');
      return this.verdict;
    }
    return ACTIONS[action](this);
  };

  /** The policy whose action is being run. */
  policy(): CompiledPolicy | undefined {
    return this.at && this.deps.flow.factors.get(this.at.factor)?.policies[this.at.index];
  }

  /** What providers see of the login. */
  context(): LoginContext {
    return providerContext(this.record, this.deps.keyring);
  }

  /** The remembered-device credential of a cookie that opened for this user, if any. */
  device(): string | undefined {
    return openDevice(this.record, this.deps.keyring);
  }

  /** The value posted for this factor's first field of that type, if its form has one. */
  field(type: 'otp' | 'password'): string | undefined {
    const schema = this.at && this.deps.flow.factors.get(this.at.factor)?.loginSchema;
    const field = schema?.fields.find((f) => f.type === type);
    const value = field ? this.fields?.get(field.name) : undefined;
    return typeof value === 'string' ? value : undefined;
  }

  /** Marks the provider in use; the first one a login uses labels its start in the metrics. */
  use(action: ActionName, provider: string): void {
    if (this.record.provider === 'none') this.deps.metrics.loginsStarted.inc({ provider });
    this.record.provider = provider;
    this.record.path = PATH_OF[action] ?? this.record.path;
  }

  /** A provider's outcome as the engine's result; what the login must keep goes into the record. */
  result(outcome: FactorOutcome): ActResult<Challenge> {
    this.record.providerState = outcome.state;
    switch (outcome.outcome) {
      case 'success':
        this.rememberDevice = outcome.rememberDevice;
        return 'success';
      case 'challenge':
        return { challenge: outcome.challenge };
      case 'fail':
        this.record.lastFailure = outcome.reason;
        return 'fail';
    }
  }

  wrongAnswer(outcome: FactorOutcome): Promise<Notice | undefined> {
    const open = this.record.open?.kind === 'challenge' ? this.record.open.challenge : undefined;
    const fromApp = this.record.provider === 'totp' || (open?.kind === 'passcode' && open.fromApp === true);
    return countWrongAnswer(this.deps, this.record, outcome, fromApp);
  }

  /** The password was refused: the factor's action fails, and the login says why if nothing else wins. */
  passwordRefused(where: { firstFactor: 'ldap' | 'gateway' } | { before: string }): 'fail' {
    this.deps.logger.info({ event: 'first_factor_refused', user: this.record.username, clientIp: this.record.clientIp, ...where }, 'the password was refused');
    this.record.lastFailure = 'first_factor';
    return 'fail';
  }

  sessionHeld(): void {
    this.record.sessionHeld = true;
  }

  /**
   * The password is right, as the check says the user is (with LDAP, the directory's account
   * name). A different key is a different user to the limits (their lock is checked again) and to
   * the remembered-device cookie (opened for the typed spelling, so no longer counted).
   */
  async passwordRight(user: UserName, groups?: readonly string[]): Promise<void> {
    const { record } = this;
    if (user.key !== record.username) {
      this.deps.logger.info({ event: 'user_named_by_directory', typed: record.username, user: user.key, clientIp: record.clientIp }, 'the directory names the user differently from the typed name');
      await this.deps.limits.refuseIfLocked(user.key);
      record.username = user.key;
      record.gatewayName = user.forGateway;
      record.device.accepted = false;
      delete record.sealedDevice;
    }
    if (groups) record.groups = groups.slice(0, MAX_GROUPS).map((g) => g.slice(0, 512));
    record.passwordChecked = true;
  }

  /** The user as the login knows them now. */
  user(): UserName {
    return { key: this.record.username, realm: this.record.realm, forGateway: this.record.gatewayName };
  }
}

const MAX_GROUPS = 200;
