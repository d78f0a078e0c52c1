import express, { type Router } from 'express';
import { AdminAudit } from '../admin/audit.js';
import { adminDeps, auditWriter } from '../admin/open.js';
import { pushTokenListerFor } from '../admin/push_tokens.js';
import { RecentActions } from '../admin/recent_actions.js';
import type { Config } from '../config/schema.js';
import type { VerifyPassword } from '../identity/verify_password.js';
import type { HeldSessions } from '../gateway/held_sessions.js';
import type { FirstFactorOutcome } from '../ldap/first_factor.js';
import type { LinotpClient } from '../providers/linotp/client.js';
import { PasskeyPortalSignIn } from '../providers/webauthn/portal_sign_in.js';
import type { WebauthnProvider } from '../providers/webauthn/webauthn_provider.js';
import { administrators } from './administrators.js';
import type { AdminWebDeps } from './deps.js';
import { adminPasswordCheck } from './password.js';
import { adminRoutes } from './routes.js';
import { staticFiles } from '../http/static_files.js';

// /admin from the configuration and the parts the running factorgate already has (src/factorgate.ts).

export type AdminWebParts = Pick<AdminWebDeps, 'store' | 'devices' | 'keyring' | 'totp' | 'limits' | 'userNames' | 'outcomes' | 'logger' | 'clock'> & {
  /** The portal's password check (the gateway's, or the LDAP bind): used when there is no directory. */
  verifyPassword: VerifyPassword;
  /** The directory, when ldap.enabled: its bind gives the groups admin.ldapGroup is looked for in. */
  ldap?: { verify(username: unknown, password: unknown): Promise<FirstFactorOutcome> } | undefined;
  /** The gateway sessions password-first logins hold: "End this sign-in" logs out the one it held. */
  heldSessions: HeldSessions;
  /** The push server's client, when linotp is configured: a user's page lists their push tokens through it. */
  linotp?: LinotpClient | undefined;
  /** The login's WebAuthn provider, when webauthn.enabled: administrators may answer with their own passkey. */
  webauthn?: WebauthnProvider | undefined;
};

export function adminWebRoutes(config: Config, parts: AdminWebParts): Router {
  const { store, devices, userNames, logger, clock, heldSessions, linotp } = parts;
  const now = () => clock.now();
  const pushTokens = pushTokenListerFor(config.linotp, linotp, { logger, now });
  const recentActions = new RecentActions(config.admin.auditFile);
  // The audit file when there is one (an unwritable one stops start-up: no action goes unaudited), else the log.
  const write = recentActions.writer(auditWriter(config.admin.auditFile, (line) => logger.info(JSON.parse(line) as object, 'administrator action')));
  return adminRoutes({
    ...parts,
    login: config.login,
    checkPassword: adminPasswordCheck({ ldap: parts.ldap, verifyPassword: parts.verifyPassword, userNames }),
    passkeys: parts.webauthn && new PasskeyPortalSignIn(parts.webauthn, parts.limits),
    isAdministrator: administrators(config.admin, userNames),
    actionsFor: (actor) => adminDeps(config, { store, devices, audit: new AdminAudit(actor, write, now), now, heldSessions, pushTokens }),
    recentActions,
    cookies: { secure: config.behindTls },
    idleMinutes: config.admin.web.sessionIdleMinutes,
  }, config.limits);
}

/** The app of /admin's own listener (admin.web.port): the routes, and the style sheet and scripts its pages load from /mfa/static, behind the same proxies as the main one. */
export function adminApp(routes: Router, trustProxy: readonly string[]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxy.length ? trustProxy : false);
  app.set('etag', false);
  app.use(staticFiles());
  app.use(routes);
  app.use((_req, res) => void res.status(404).type('text').send('Not here: the administrator\'s view is at /admin.\n'));
  return app;
}
