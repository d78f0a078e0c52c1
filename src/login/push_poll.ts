import { FactorgateError } from '../errors.js';
import type { FactorOutcome } from '../providers/provider.js';
import type { Login } from './login.js';
import { openChallenge, type LoginRecord } from './record.js';
import { providerContext } from './provider_context.js';
import type { PushVerdict } from './views.js';
import { withdrawOpenPush } from './withdraw_push.js';

// Where a login's push stands, asked of the push server: for the confirm post, and for the watcher
// that tells waiting pages.

export async function poll(login: Login, record: LoginRecord): Promise<FactorOutcome> {
  const provider = login.deps.providers.get(record.provider);
  if (!provider.poll) throw new FactorgateError('internal', `provider ${provider.name} cannot be polled`);
  const outcome = await provider.poll(providerContext(record, login.deps.keyring), record.providerState);
  // A denied push is a wrong answer, counted once per push (a resend is a new push); so is a wrong
  // number picked: it may be a slip, or someone who did not start this login guessing.
  if (outcome.outcome === 'fail' && (outcome.reason === 'push_denied' || outcome.reason === 'push_wrong_number')) await login.deps.limits.pushDenied(record.username, `${record.id}:${record.resends}`);
  // The page gives up when the push server does (one clock); withdrawing as well leaves nothing to
  // chance, a server whose clock runs slow included.
  if (outcome.outcome === 'fail' && outcome.reason === 'push_expired') await withdrawOpenPush(login.deps, record);
  return outcome;
}

/** The verdict for the watcher; undefined once the login is gone or no longer waits on a push. */
export async function pushVerdict(login: Login, loginId: string): Promise<PushVerdict | undefined> {
  const record = await login.deps.records.load(loginId);
  if (!record || record.state !== 'awaiting_answer' || openChallenge(record)?.kind !== 'push') return undefined;
  const outcome = await poll(login, record);
  if (outcome.outcome === 'success') return 'approved';
  if (outcome.outcome === 'challenge') return 'open';
  return outcome.reason === 'push_expired' ? 'expired' : 'denied';
}
