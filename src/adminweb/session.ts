import { PortalSessions, type PortalSessionBase, type Stage } from '../http/portal_session.js';
import { ADMIN, ADMIN_COOKIES } from '../http/paths.js';
import type { ProviderState } from '../providers/provider.js';
import type { AdminWebDeps } from './deps.js';

// An /admin session: the portals' session (src/http/portal_session.ts) that ends after
// admin.web.sessionIdleMinutes without a request and after ABSOLUTE_MS in any case, its cookie
// under /admin with SameSite=Strict, the passkey challenge of its second step beside it.
// Whether the user is an administrator is decided at the password and told only after both factors.

/** However busy, a session ends after a working day: a new sign-in, both factors again. */
export const ABSOLUTE_MS = 8 * 3_600_000;

export type AdminStage = Stage;

export type AdminSession = PortalSessionBase & {
  /** Whether this user is an administrator; decided at the password, told only after both factors. */
  administrator: boolean;
};

export type AdminSessions = PortalSessions<AdminSession, { signIn: ProviderState }>;

export function adminSessions(deps: Pick<AdminWebDeps, 'store' | 'keyring' | 'clock' | 'cookies' | 'idleMinutes' | 'logger'>): AdminSessions {
  return new PortalSessions<AdminSession, { signIn: ProviderState }>({
    name: 'admin', purpose: 'admin-session',
    cookie: { name: ADMIN_COOKIES.session, path: ADMIN, secure: deps.cookies.secure, sameSite: 'strict' },
    absoluteMs: ABSOLUTE_MS, idleMs: deps.idleMinutes * 60_000,
  }, deps);
}
