import type { Config } from '../config/schema.js';
import { ownCookieNames } from '../http/paths.js';
import type { Logger } from '../log.js';
import { GatewayReplayer } from './replay.js';

/** The gateway replay as the gateway section configures it: the running factorgate's, and `factorgate admin`'s to log out a held session. */
export function replayerFor(config: Pick<Config, 'gateway' | 'cookies'>, now: () => number, logger: Logger): GatewayReplayer {
  const gw = config.gateway;
  return new GatewayReplayer({
    gatewayUrl: gw.url,
    loginTarget: gw.loginTarget,
    loginPage: gw.loginPage,
    usernameField: gw.usernameField,
    passwordField: gw.passwordField,
    sessionCookie: gw.sessionCookie,
    timeoutMs: gw.timeoutMs,
    secretHeader: gw.secretHeader.value ? { name: gw.secretHeader.name, value: gw.secretHeader.value } : undefined,
    sessionCheckPath: gw.sessionCheckPath,
    logoutPath: gw.logoutPath,
    now,
    ownCookies: ownCookieNames(config.cookies),
    logger,
  });
}
