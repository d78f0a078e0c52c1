import type { Action } from './step.js';

/** GATEWAY_PASSWORD: the password is the gateway's to check, when the login is replayed to it. */
export const gatewayPassword: Action = async () => 'success';
