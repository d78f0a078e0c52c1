import type { Client } from '../http/request.js';
import type { UserName } from './user_names.js';

/**
 * The first factor checked where no flow step has: an LDAP bind when configured, else a replay to
 * the gateway. Gives the user as the check knows them (with LDAP, as the directory names them),
 * or undefined for a wrong password and an unknown user alike; a directory or gateway that cannot
 * answer throws, so callers fail closed.
 */
export type VerifyPassword = (user: UserName, password: string, client: Client) => Promise<UserName | undefined>;
