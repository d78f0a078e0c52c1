import proxyAddr from 'proxy-addr';
import micromatch from 'micromatch';
import { FactorgateError } from '../errors.js';
import type { SecondFactorProvider } from './provider.js';

/** One rule of the provider policy: every criterion given must hold (any entry of a list may match). */
export type ProviderPolicy = { users?: string[]; realms?: string[]; subnets?: string[]; use: string };

type CompiledPolicy = { matches: (username: string, realm: string, clientIp: string) => boolean; use: string };

/**
 * The configured second-factor providers, and which one a login uses: the first policy that
 * matches the user name (glob), realm and client subnet (CIDR), else the default.
 */
export class ProviderRegistry {
  private readonly policies: CompiledPolicy[];

  constructor(private readonly providers: Map<string, SecondFactorProvider>, policies: ProviderPolicy[], private readonly defaultName: string) {
    for (const name of [defaultName, ...policies.map((p) => p.use)]) {
      if (!providers.has(name)) throw new Error(`provider "${name}" is used by a policy but not configured`);
    }
    this.policies = policies.map((policy) => {
      const inSubnet = policy.subnets ? proxyAddr.compile(policy.subnets) : undefined;
      return {
        use: policy.use,
        matches: (username, realm, clientIp) =>
          (!policy.users || micromatch.isMatch(username, policy.users, { nocase: true })) &&
          (!policy.realms || policy.realms.some((r) => r.toLowerCase() === realm.toLowerCase())) &&
          (!inSubnet || (clientIp !== 'unknown' && inSubnet(clientIp, 0))),
      };
    });
  }

  /** The provider for a user (their key and realm, src/identity/user_names.ts) from this client. */
  choose(user: { key: string; realm: string }, clientIp: string): SecondFactorProvider {
    const name = this.policies.find((p) => p.matches(user.key, user.realm, clientIp))?.use ?? this.defaultName;
    return this.get(name);
  }

  get(name: string): SecondFactorProvider {
    const provider = this.providers.get(name);
    if (!provider) throw new FactorgateError('internal', `no provider named ${name}`);
    return provider;
  }

  close(): void {
    for (const provider of new Set(this.providers.values())) provider.close();
  }
}
