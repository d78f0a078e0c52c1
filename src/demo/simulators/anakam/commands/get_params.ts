import { randomInt } from 'node:crypto';
import { maskDestination } from '../mask.js';
import type { Element } from '../xml.js';
import { destinationOf, reply, type CommandContext, type CommandResult } from './types.js';

/**
 * GET_PARAMS: makes a new passcode (replacing any earlier one, so it also serves as "resend")
 * and "sends" it to the outbox. Nothing is sent without a selected method or after
 * authentication (DELIVERY_FAILED), nor to a locked user (LOCKED, so the user is told why).
 * The reply names, masked, each destination the user has (<email>, <phone>): what a client may offer.
 */
export function getParams({ record, state, outbox, options, now }: CommandContext): CommandResult {
  const { method } = record;
  if (state.lockedUntil(record.user, now) !== undefined) return reply('LOCKED');
  if (!method || record.authenticated) return reply('DELIVERY_FAILED');
  const destination = destinationOf(options.users.get(record.user), method);
  if (!destination) return reply('DELIVERY_FAILED');
  const passcode = String(randomInt(0, 1_000_000)).padStart(6, '0');
  record.passcode = { value: passcode, expiresAt: now + options.passcodeTtlMs };
  const masked = maskDestination(method, destination);
  outbox.deliver(record.user, { passcode, destination: masked, method, sentAt: new Date(now).toISOString() });
  const user = options.users.get(record.user);
  const onFile = (['EMAIL', 'SMS'] as const).flatMap((each): Element[] => {
    const address = destinationOf(user, each);
    return address ? [[each === 'EMAIL' ? 'email' : 'phone', maskDestination(each, address)]] : [];
  });
  return reply('PASSCODE_SENT', [['destination', masked], ...onFile]);
}
