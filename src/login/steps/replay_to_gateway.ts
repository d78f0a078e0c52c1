import type { GatewayReplayer, ReplayResult } from '../../gateway/replay.js';
import type { Keyring } from '../../security/keyring.js';
import { openPassword, type LoginRecord } from '../login_record.js';

/** Opens the sealed password and posts it to the gateway, within the login's deadline; the plaintext lives only for this call. */
export async function replayToGateway(record: LoginRecord, keyring: Keyring, replayer: GatewayReplayer): Promise<ReplayResult> {
  return replayer.replay(record.gatewayName, openPassword(record, keyring), { ip: record.clientIp, userAgent: record.userAgent }, record.deadline);
}
