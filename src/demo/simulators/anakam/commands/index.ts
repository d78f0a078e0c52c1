import type { Command } from '../vocabulary.js';
import { complete } from './complete.js';
import { getParams } from './get_params.js';
import { selectMethod } from './select_method.js';
import type { CommandHandler } from './types.js';
import { verifyDevice } from './verify_device.js';
import { verifyPasscode } from './verify_passcode.js';

/** One handler per <command> word of the Anakam API. */
export const commandHandlers: Readonly<Record<Command, CommandHandler>> = {
  SELECT_METHOD: selectMethod,
  GET_PARAMS: getParams,
  VERIFY_PASSCODE: verifyPasscode,
  VERIFY_DEVICE: verifyDevice,
  COMPLETE: complete,
};

export type { CommandContext, CommandResult } from './types.js';
