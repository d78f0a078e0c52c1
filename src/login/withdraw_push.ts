import type { LoginDeps } from './deps.js';
import { providerContext } from './provider_context.js';
import { openChallenge, type LoginRecord } from './record.js';

/**
 * The login stops waiting for its open push (cancelled, given up for another way, timed out,
 * left for a new login, or ended by any failure): withdraw it at the push server, where the
 * server allows, so the phone no longer offers it. A resend withdraws inside the provider.
 * Never throws; the record's state is left as it was.
 */
export async function withdrawOpenPush(deps: LoginDeps, record: LoginRecord): Promise<void> {
  if (openChallenge(record)?.kind !== 'push') return;
  const provider = deps.providers.get(record.provider);
  await provider.withdraw?.(providerContext(record, deps.keyring), record.providerState);
}
