import type { LoginContext } from '../providers/provider.js';
import type { Keyring } from '../security/keyring.js';
import type { LoginRecord } from './record.js';
import { openPassword, openPin } from './sealed_credentials.js';

/** What providers see of a login: who, from where, until when, and its secrets opened on demand. */
export function providerContext(record: LoginRecord, keyring: Keyring): LoginContext {
  return {
    username: record.username, clientIp: record.clientIp, deadline: record.deadline, passwordChecked: record.passwordChecked === true,
    password: () => openPassword(record, keyring),
    tokenPin: () => openPin(record, keyring),
  };
}
