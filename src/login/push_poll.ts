import { FactorgateError } from '../errors.js';
import type { FactorOutcome } from '../providers/provider.js';
import type { Login } from './login.js';
import { openChallenge, type LoginRecord } from './record.js';
import { providerContext } from './run.js';
import type { PushVerdict } from './views.js';

// Where a login's push stands, asked of the push server: for the confirm post, and for the watcher
// that tells waiting pages.

export function poll(login: Login, record: LoginRecord): Promise<FactorOutcome> {
  const provider = login.deps.providers.get(record.provider);
  if (!provider.poll) throw new FactorgateError('internal', `provider ${provider.name} cannot be polled`);
  return provider.poll(providerContext(record, login.deps.keyring), record.providerState);
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
