import type { Action } from './step.js';

/**
 * GATEWAY_PASSWORD_AT_REPLAY: the password is the gateway's to check, when the login is replayed
 * to it after the second factor (the order for gateways that cannot have a session held; a code
 * or push is then sent before the password is known to be right).
 */
export const gatewayPasswordAtReplay: Action = async () => 'success';
