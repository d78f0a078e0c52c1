import type { ActResult, ActionName, CompiledPolicy } from '../../flows/index.js';
import type { UserName } from '../../identity/user_names.js';
import type { Challenge, FactorOutcome, LoginContext } from '../../providers/provider.js';
import type { LoginDeps } from '../deps.js';
import type { LoginRecord } from '../record.js';
import type { Notice } from '../views.js';

/** One flow action: runs its authenticator and says how it went; throws only for trouble. */
export type Action = (step: ActionStep) => Promise<ActResult<Challenge>>;

/**
 * What an action sees of the login and may change in it: the record only to read; what the
 * action learns goes through these methods (the run keeps them in one place, run.ts).
 */
export interface ActionStep {
  readonly deps: LoginDeps;
  readonly record: Readonly<LoginRecord>;
  /** The remembered-device cookie is to be dropped with the reply. */
  forgetDevice: boolean;
  /** Said to the user on the next page. */
  notice?: Notice;
  /** The policy whose action this is. */
  policy(): CompiledPolicy | undefined;
  /** What providers see of the login. */
  context(): LoginContext;
  /** The value posted for this factor's first field of that type. */
  field(type: 'otp' | 'password'): string | undefined;
  /** The remembered-device credential of a cookie that opened for this user. */
  device(): string | undefined;
  /** The provider this action runs. */
  use(action: ActionName, provider: string): void;
  /** A provider's outcome, kept in the record, as the engine's result. */
  result(outcome: FactorOutcome): ActResult<Challenge>;
  /** A wrong answer counts toward the login's attempts: the notice to ask again with, or undefined when none is left. */
  wrongAnswer(outcome: FactorOutcome): Promise<Notice | undefined>;
  passwordRefused(where: { firstFactor: 'ldap' | 'gateway' } | { before: string }): 'fail';
  /** The gateway's session for this login is held (gateway/held_sessions.ts): the replay hands it over. */
  sessionHeld(): void;
  passwordRight(user: UserName, groups?: readonly string[]): Promise<void>;
  user(): UserName;
}
