// The default Anakam-style vocabulary (docs/design.md, The Anakam API), as the simulator speaks it.
// factorgate can be configured for other words; the simulator pins the defaults it must meet.

export const COMMANDS = ['SELECT_METHOD', 'GET_PARAMS', 'VERIFY_PASSCODE', 'VERIFY_DEVICE', 'COMPLETE'] as const;
export type Command = (typeof COMMANDS)[number];

export const METHODS = ['EMAIL', 'SMS'] as const;
export type Method = (typeof METHODS)[number];

export type Status =
  | 'TOKEN_CREATED'
  | 'METHOD_SELECTED' | 'METHOD_UNAVAILABLE'
  | 'PASSCODE_SENT' | 'DELIVERY_FAILED'
  | 'AUTHENTICATED' | 'PASSCODE_INVALID' | 'LOCKED' | 'PASSCODE_EXPIRED'
  | 'DEVICE_UNKNOWN' | 'DEVICE_EXPIRED'
  | 'COMPLETE' | 'NOT_AUTHENTICATED';

export function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

export function isMethod(word: string): word is Method {
  return (METHODS as readonly string[]).includes(word);
}
