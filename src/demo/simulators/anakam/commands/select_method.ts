import { isMethod } from '../vocabulary.js';
import { badRequest, destinationOf, reply, type CommandContext, type CommandResult } from './types.js';

/** SELECT_METHOD: EMAIL or SMS, if the user has that destination (an unknown user has none). */
export function selectMethod({ record, request, options }: CommandContext): CommandResult {
  const method = request.fields.get('method');
  if (method === undefined) return badRequest('SELECT_METHOD needs <method>');
  // Once authenticated there is nothing left to send.
  if (record.authenticated) return reply('METHOD_UNAVAILABLE');
  if (!isMethod(method) || !destinationOf(options.users.get(record.user), method)) return reply('METHOD_UNAVAILABLE');
  record.method = method;
  delete record.passcode; // a passcode belongs to the method it was sent by
  return reply('METHOD_SELECTED');
}
