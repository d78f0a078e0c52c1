import { LinotpClient, type LinotpClientOptions } from './client.js';
import type { LinotpConfig } from './config.js';

/** What the client takes besides the `linotp` section: where it logs, its clock, and who is told of each callout. */
export type LinotpClientRuntime = Pick<LinotpClientOptions, 'logger' | 'now' | 'onCallout'>;

/**
 * The LinOTP-style server's client as the `linotp` section configures it, when there is one: the
 * running factorgate's (its push providers and /admin) and `factorgate admin`'s are both built
 * here, so a setting of the section reaches both or neither.
 */
export function linotpClientFor(section: LinotpConfig | undefined, runtime: LinotpClientRuntime): LinotpClient | undefined {
  return section && new LinotpClient({ ...section, ...runtime });
}
