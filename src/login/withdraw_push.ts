import type { Login } from './login.js';
import { openChallenge, type LoginRecord } from './record.js';
import { providerContext } from './run.js';

/**
 * The login stops waiting for its open push (cancelled, given up for another way, timed out):
 * withdraw it at the push server, where the server allows, so the phone no longer offers it. A
 * resend withdraws inside the provider. Never throws; the record's state is left as it was.
 */
export async function withdrawOpenPush(login: Login, record: LoginRecord): Promise<void> {
  if (openChallenge(record)?.kind !== 'push') return;
  const provider = login.deps.providers.get(record.provider);
  await provider.withdraw?.(providerContext(record, login.deps.keyring), record.providerState);
}
