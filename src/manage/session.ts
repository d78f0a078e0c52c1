import { PortalSessions as Sessions, type PortalSessionBase, type Stage } from '../http/portal_session.js';
import { BASE, SESSION_TTL_MS, type ManageDeps } from './deps.js';
import { SESSION_COOKIE } from './cookies.js';

// The /manageotp session: the portals' session (src/http/portal_session.ts) with an absolute
// lifetime of SESSION_TTL_MS and no idle limit, its cookie under /manageotp with the configured
// SameSite, and the device being set up and the passkey challenges beside it.

export type { Stage };

export type PortalSession = PortalSessionBase & {
  /** The pending device this session added, whose QR code it alone may show. */
  enrolling?: string;
};

/** A session's open WebAuthn challenges (src/http/portal_session.ts keeps each under its own key). */
export type PasskeyChallenges = {
  /** The passkey this session asked the browser to make: its challenge, name and deadline. */
  registration: { challenge: string; name: string; expiresAt: number };
  /** The challenge of the sign-in's second step (the WebAuthn provider's state). */
  signIn: Record<string, string | number | boolean | undefined>;
};

export type PortalSessions = Sessions<PortalSession, PasskeyChallenges>;

export function portalSessions(deps: Pick<ManageDeps, 'sessions' | 'keyring' | 'clock' | 'cookies' | 'logger'>): PortalSessions {
  return new Sessions<PortalSession, PasskeyChallenges>({
    name: 'manageotp', purpose: 'manageotp-session',
    cookie: { name: SESSION_COOKIE, path: BASE, secure: deps.cookies.secure, sameSite: deps.cookies.sameSite },
    absoluteMs: SESSION_TTL_MS,
  }, { store: deps.sessions, keyring: deps.keyring, clock: deps.clock, logger: deps.logger });
}
