import { FactorgateError } from '../errors.js';
import type { FirstFactorOutcome } from '../ldap/first_factor.js';
import type { Client } from '../http/request.js';
import type { UserNames } from './user_names.js';
import type { VerifyPassword } from './verify_password.js';

// The portal's first factor, from what factorgate already has: the LDAP bind when one is
// configured, else a replay of the credentials to the gateway's login target. Either way a wrong
// password and an unknown user are the same `undefined`; a directory or gateway that cannot answer
// throws (directory_unavailable, gateway_unavailable), so the portal fails closed with a 50x.

type Ldap = { verify(username: unknown, password: unknown): Promise<FirstFactorOutcome> };
type Replayer = { replay(username: string, password: string, client: Client): Promise<unknown> };

export function passwordCheck(sources: { ldap?: Ldap; replayer: Replayer; userNames: UserNames }): VerifyPassword {
  const { ldap, replayer, userNames } = sources;
  if (ldap) {
    return async (user, password) => {
      const checked = await ldap.verify(user.key, password);
      return checked.outcome === 'success' ? userNames.fromDirectory(checked.account, user) : undefined;
    };
  }
  // The gateway opens a session for a right password; it is not handed to the browser and lapses
  // by the gateway's own idle timeout.
  return async (user, password, client) => {
    try {
      await replayer.replay(user.forGateway, password, client);
      return user;
    } catch (err) {
      if (err instanceof FactorgateError && err.code === 'gateway_refused') return undefined;
      throw err;
    }
  };
}
