import { FactorgateError } from '../../errors.js';
import type { Limits } from '../../security/limits.js';
import type { LoginContext, ProviderState } from '../provider.js';
import type { WebauthnProvider } from './webauthn_provider.js';

// A passkey as the second factor of signing in to one of factorgate's own portals (/manageotp,
// /admin): the login's WebAuthn provider (the user's own credentials only, a single-use
// challenge, the signature counter) over a portal session whose password was proven. Each portal
// keeps the challenge beside its session; the HTTP around it is the portal's.

/** Who is signing in: the session's user, the client, and the session's own end, which a challenge never outlives. */
export type PortalSigner = { user: string; clientIp: string; deadline: number };

export type PasskeyOptions = { options: unknown; state: ProviderState };

export class PasskeyPortalSignIn {
  constructor(private readonly provider: WebauthnProvider, private readonly limits: Pick<Limits, 'guess' | 'countClient'>) {}

  /** Whether the user has a passkey to be asked for. */
  has(user: string): Promise<boolean> {
    return this.provider.hasPasskey(user);
  }

  /** The request options for the user's keys, and the state to hold until the answer; undefined when the user has none. */
  async options(who: PortalSigner): Promise<PasskeyOptions | undefined> {
    const started = await this.provider.start(contextOf(who));
    if (started.outcome !== 'challenge' || started.challenge.kind !== 'webauthn') return undefined;
    return { options: started.challenge.options, state: started.state };
  }

  /**
   * The browser's assertion against the state the portal held (taken from its store, so spent):
   * true signs the user in. A wrong one counts against the user's wrong answers and the client's.
   */
  async verify(who: PortalSigner, state: ProviderState, response: string): Promise<boolean> {
    const outcome = await this.limits.guess(who.user, () => this.provider.verify(contextOf(who), state, response), (o) => o.outcome === 'fail');
    if (outcome.outcome === 'success') return true;
    await this.limits.countClient(who.clientIp);
    return false;
  }
}

function contextOf(who: PortalSigner): LoginContext {
  return {
    username: who.user, clientIp: who.clientIp, deadline: who.deadline, passwordChecked: true,
    password: () => { throw new FactorgateError('internal', 'a portal keeps no password'); },
    tokenPin: () => undefined,
  };
}
