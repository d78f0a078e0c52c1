import { FactorgateError } from '../../errors.js';
import type { GatewayReplayer, ReplayResult } from '../../gateway/replay.js';
import type { Keyring } from '../../security/keyring.js';
import type { LoginRecord } from '../login_record.js';

/** Opens the sealed password and posts it to the gateway; the plaintext lives only for this call. */
export async function replayToGateway(record: LoginRecord, keyring: Keyring, replayer: GatewayReplayer): Promise<ReplayResult> {
  const password = keyring.open(record.sealedPassword, `login:${record.id}`);
  if (password === undefined) throw new FactorgateError('internal', 'sealed credentials could not be opened');
  return replayer.replay(record.username, password, { ip: record.clientIp, userAgent: record.userAgent });
}
