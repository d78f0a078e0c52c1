import { badRequest, reply, type CommandContext, type CommandResult } from './types.js';

/**
 * VERIFY_DEVICE: a device registered for this user and not expired authenticates the key.
 * It works while the user is locked: the lock bounds passcode guessing, and a 256-bit device
 * key cannot be guessed, so the owner on their own device is not shut out by an attacker.
 */
export function verifyDevice({ record, request, state, now }: CommandContext): CommandResult {
  const deviceKey = request.fields.get('deviceKey');
  if (deviceKey === undefined) return badRequest('VERIFY_DEVICE needs <deviceKey>');
  const device = state.device(deviceKey);
  // Another user's device is as unknown as none: a device key is bound to whom it was issued.
  if (!device || device.user !== record.user) return reply('DEVICE_UNKNOWN');
  if (device.expiresAt <= now) {
    state.forgetDevice(deviceKey);
    return reply('DEVICE_EXPIRED');
  }
  record.authenticated = true;
  return reply('AUTHENTICATED');
}
