import type { Logger } from '../log.js';
import type { Keyring } from '../security/keyring.js';
import type { Store } from '../state/store.js';
import type { GatewayReplayer, ReplayClient, ReplayResult } from './replay.js';

// The gateway sessions of logins whose password the gateway checked before the second factor
// (GATEWAY_PASSWORD): kept server-side, sealed like the password, never sent to the browser, until
// the second factor holds. Each is taken exactly once (the store's take): by the login that
// passed, which hands it over, or by whatever ended the login otherwise, which logs it out at the
// gateway. A login nobody ends (the browser went away) is ended when its deadline comes.

/** How long a held session outlives its login's deadline in the store, so the deadline's own timer still finds it. */
const AFTER_DEADLINE_MS = 60_000;

type Held = { session: ReplayResult; client: ReplayClient };

const key = (loginId: string) => `held-session:${loginId}`;
const sealContext = (loginId: string) => `gateway-session:${loginId}`;

export type HeldSessionsDeps = { store: Store; keyring: Keyring; replayer: GatewayReplayer; logger: Logger; now: () => number };

export class HeldSessions {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: HeldSessionsDeps) {}

  /** Keeps the session a login's password opened until the login passes or ends (its deadline at the latest). */
  async hold(loginId: string, session: ReplayResult, client: ReplayClient, deadline: number): Promise<void> {
    const { store, keyring, now } = this.deps;
    // A flow that checks the password at the gateway twice keeps the newer session; the older one is ended.
    await this.end(loginId, 'replaced');
    const sealed = keyring.seal(JSON.stringify({ session, client } satisfies Held), sealContext(loginId));
    await store.set(key(loginId), sealed, Math.max(1, deadline - now()) + AFTER_DEADLINE_MS);
    this.endAt(loginId, deadline);
  }

  /** The login passed: its session, for the browser; undefined when it was ended already (the deadline came first). */
  async claim(loginId: string): Promise<{ session: ReplayResult; client: ReplayClient } | undefined> {
    this.forgetTimer(loginId);
    return this.take(loginId);
  }

  /** The login ended without passing: its held session, if any, is logged out at the gateway and wiped. */
  async end(loginId: string, why: string): Promise<void> {
    this.forgetTimer(loginId);
    const held = await this.take(loginId).catch(() => undefined);
    if (held) await this.logout(held, why);
  }

  /** Logs out a session given earlier (one the gateway no longer accepts, say); failures are logged, not thrown. */
  async logout(held: Held, why: string): Promise<void> {
    const { replayer, logger } = this.deps;
    try {
      await replayer.logout(held.session, held.client);
      logger.info({ event: 'gateway_session_ended', why, clientIp: held.client.ip }, 'the gateway session held for a login was logged out');
    } catch (err) {
      logger.warn({ event: 'gateway_logout_failed', why, clientIp: held.client.ip, detail: (err as Error).message }, 'the gateway session held for a login could not be logged out; the gateway\'s own timeout ends it');
    }
  }

  /** Stops the deadline timers; the sessions stay in the store for another instance to finish or end. */
  close(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  private async take(loginId: string): Promise<Held | undefined> {
    const sealed = await this.deps.store.take<string>(key(loginId));
    if (typeof sealed !== 'string') return undefined;
    const opened = this.deps.keyring.open(sealed, sealContext(loginId));
    return opened === undefined ? undefined : (JSON.parse(opened) as Held);
  }

  private endAt(loginId: string, deadline: number): void {
    this.forgetTimer(loginId);
    const timer = setTimeout(() => {
      this.timers.delete(loginId);
      void this.end(loginId, 'login_expired');
    }, Math.max(0, deadline - this.deps.now()));
    timer.unref();
    this.timers.set(loginId, timer);
  }

  private forgetTimer(loginId: string): void {
    const timer = this.timers.get(loginId);
    if (timer) clearTimeout(timer);
    this.timers.delete(loginId);
  }
}
