import { FactorgateError } from '../errors.js';
import type { AnakamProvider } from './anakam/anakam_provider.js';
import type { PushProvider } from './linotp/push_provider.js';
import type { SecondFactorProvider } from './provider.js';
import type { TotpProvider } from './totp/totp_provider.js';
import type { WebauthnProvider } from './webauthn/webauthn_provider.js';

/** The providers the configuration gives, each under its kind. */
export type Providers = { anakam?: AnakamProvider; push?: PushProvider; pushWithCode?: PushProvider; totp?: TotpProvider; webauthn?: WebauthnProvider };

/**
 * The configured second-factor providers. A flow action asks for the kind it drives (anakam(),
 * push(), totp()), typed, and one that is not configured fails closed; a login in progress finds
 * its provider again by the name it recorded (get()).
 */
export class ProviderRegistry {
  private readonly byName: ReadonlyMap<string, SecondFactorProvider>;

  constructor(private readonly providers: Providers) {
    const all = [providers.anakam, providers.push, providers.pushWithCode, providers.totp, providers.webauthn].filter((p): p is NonNullable<typeof p> => p !== undefined);
    this.byName = new Map(all.map((provider) => [provider.name, provider]));
  }

  /** Whether a provider of that name is configured. */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  get(name: string): SecondFactorProvider {
    return this.byName.get(name) ?? missing(name);
  }

  anakam(): AnakamProvider {
    return this.providers.anakam ?? missing('anakam');
  }

  push(withCode: boolean): PushProvider {
    return (withCode ? this.providers.pushWithCode : this.providers.push) ?? missing(withCode ? 'push_with_code' : 'push');
  }

  totp(): TotpProvider {
    return this.providers.totp ?? missing('totp');
  }

  webauthn(): WebauthnProvider {
    return this.providers.webauthn ?? missing('webauthn');
  }

  close(): void {
    for (const provider of this.byName.values()) provider.close();
  }
}

function missing(name: string): never {
  throw new FactorgateError('internal', `no provider named ${name}`);
}
