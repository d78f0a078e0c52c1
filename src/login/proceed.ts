import { FactorgateError } from '../errors.js';
import { pathLabel, resumeFlow, type EngineStep, type LoginSchema } from '../flows/index.js';
import type { Challenge, FactorOutcome } from '../providers/provider.js';
import type { Login } from './login.js';
import { openChallenge, openForm, type LoginRecord } from './record.js';
import type { Run } from './run.js';
import type { LoginView, Notice } from './views.js';
import { acceptsJson } from './client.js';
import { canUse, offerWays } from './offer_ways.js';
import { offeredWays, type Way } from './ways.js';

// How a login moves on from what the flow engine or a provider did: wait for the user (a form, a
// challenge), replay to the gateway (done), or fail.

/** Where the engine stopped: the login waits, is replayed, or fails. */
export async function settle(login: Login, record: LoginRecord, step: EngineStep<Challenge>, run: Run): Promise<LoginView> {
  const { outcomes, deps } = login;
  record.flow = step.state;
  switch (step.kind) {
    case 'ask': {
      if (await nothingToAsk(login, record, step.factor, step.loginSchema)) {
        // A form that asks only for a code the user cannot have yet: its factor runs without it (OTP_CODE enrols).
        return settle(login, record, await resumeFlow(deps.flow, step.state, run.facts, run.withFields(new Map()).act), run);
      }
      return outcomes.waiting(record, { kind: 'ask', factor: step.factor, fields: step.loginSchema.fields, ...common(record, run) });
    }
    case 'challenge': {
      // A new challenge: the ways offered with it are decided now, once (offer_ways.ts).
      const can = canUse(deps, record, acceptsJson(run.client.headers?.accept));
      return outcomes.waiting(record, { kind: 'challenge', challenge: step.challenge, another: await offerWays(deps.flow, record, run.facts(), can), ...common(record, run) });
    }
    case 'done':
      record.flowPath = pathLabel(deps.flow, step.path);
      return outcomes.replay(record, run.rememberDevice, run.forgetDevice);
    case 'failed':
      if (step.reason === 'stale_state') return outcomes.fail(record, new FactorgateError('wrong_state', 'the login flow changed since this login began'), run.forgetDevice);
      return outcomes.fail(record, outcomes.noWinner(record), run.forgetDevice);
  }
}

/** A provider's outcome for the open challenge: still open (a new challenge), or the flow goes on with its result. */
export async function goOn(login: Login, record: LoginRecord, run: Run, outcome: FactorOutcome, notice?: Notice): Promise<LoginView> {
  const result = run.result(outcome);
  if (typeof result === 'object') {
    return login.outcomes.waiting(record, {
      kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge: result.challenge, notice, forgetDevice: false, another: anotherWay(login, record),
    });
  }
  return settle(login, record, await resumeFlow(login.deps.flow, record.flow!, run.facts, run.resumeWith(result).act), run);
}

/**
 * The ways offered with the open challenge ("Other options"), as decided when it opened: the same
 * challenge asked again (a wrong answer, a resend) or shown again offers the same, without a lookup.
 */
export function anotherWay(login: Login, record: LoginRecord): Way[] | undefined {
  return offeredWays(login.deps.flow, record);
}

/** The open step of a waiting login as a view, for showing it again (a GET after a redirect). */
export function openView(login: Login, record: LoginRecord): Promise<LoginView> {
  const factor = openForm(record);
  const fields = factor === undefined ? undefined : login.deps.flow.factors.get(factor)?.loginSchema?.fields;
  if (factor !== undefined && fields) return Promise.resolve({ kind: 'ask', loginId: record.id, csrf: record.csrf, factor, fields, forgetDevice: false });
  const challenge = openChallenge(record);
  if (!challenge) return Promise.resolve({ kind: 'failed', error: new FactorgateError('no_login', 'no step open'), forgetDevice: false });
  return login.outcomes.withSetup(record, { kind: 'challenge', loginId: record.id, csrf: record.csrf, challenge, forgetDevice: false, another: anotherWay(login, record) });
}

const common = (record: LoginRecord, run: Run) => ({ loginId: record.id, csrf: record.csrf, notice: run.notice, forgetDevice: run.forgetDevice });

/** A form of one-time-code fields only, before OTP_CODE, for a user with no device while otp.withoutDevice is enrol. */
async function nothingToAsk(login: Login, record: LoginRecord, factor: string, schema: LoginSchema): Promise<boolean> {
  const { config, flow, providers } = login.deps;
  if (config.otp.withoutDevice !== 'enrol' || !schema.fields.every((f) => f.type === 'otp')) return false;
  // Whether the user has an app is not told before the password is known to be right: until then
  // the form is shown to everyone (OTP_CODE checks the password, then enrols a user without one).
  if (!record.passwordChecked) return false;
  if (!flow.factors.get(factor)?.policies.some((p) => p.action === 'OTP_CODE')) return false;
  return !(await providers.totp().hasDevice(record.username));
}
