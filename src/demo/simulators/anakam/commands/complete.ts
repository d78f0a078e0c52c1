import { reply, type CommandContext, type CommandResult } from './types.js';

/** COMPLETE: ends an authenticated login and uses up its key; anything earlier is refused. */
export function complete({ record, state }: CommandContext): CommandResult {
  if (!record.authenticated) return reply('NOT_AUTHENTICATED');
  state.consume(record.authKey);
  return reply('COMPLETE');
}
