import { createHash, timingSafeEqual } from 'node:crypto';
import { registrationOf } from './registration.js';
import { badRequest, reply, type CommandContext, type CommandResult } from './types.js';

/**
 * VERIFY_PASSCODE. Wrong passcodes count per user across auth keys, so a new key does not
 * reset them; the last allowed one locks the user. A passcode is single use.
 */
export function verifyPasscode({ record, request, state, options, now }: CommandContext): CommandResult {
  const given = request.fields.get('passcode');
  if (given === undefined) return badRequest('VERIFY_PASSCODE needs <passcode>');
  const registration = registrationOf(request.fields, options);
  if (!registration.ok) return badRequest(registration.reason);

  if (state.lockedUntil(record.user, now) !== undefined) return reply('LOCKED');
  const { passcode } = record;
  // None sent yet, already used, or wiped by a lock: the user needs a new one, and a guess
  // against nothing is not counted.
  if (!passcode) return reply('PASSCODE_EXPIRED');
  if (passcode.expiresAt <= now) {
    delete record.passcode;
    return reply('PASSCODE_EXPIRED');
  }
  if (!sameText(given, passcode.value)) {
    const strike = state.strike(record.user, now, options.maxPasscodeAttempts, options.lockMs);
    return strike.locked ? reply('LOCKED') : reply('PASSCODE_INVALID', [['attemptsRemaining', String(strike.attemptsRemaining)]]);
  }

  delete record.passcode;
  record.authenticated = true;
  state.clearStrikes(record.user);
  if (registration.hours === undefined) return reply('AUTHENTICATED');
  const expiresAt = now + registration.hours * 3_600_000;
  const deviceKey = state.registerDevice(record.user, expiresAt);
  return reply('AUTHENTICATED', [['deviceKey', deviceKey], ['deviceExpires', new Date(expiresAt).toISOString()]]);
}

function sameText(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
