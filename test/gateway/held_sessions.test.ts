import { expect } from 'chai';
import { HeldSessions } from '../../src/gateway/held_sessions.js';
import type { GatewayReplayer, ReplayResult } from '../../src/gateway/replay.js';
import { Keyring } from '../../src/security/keyring.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { captureLogs } from '../helpers/log_capture.js';
import { TEST_SECRET } from '../helpers/config.js';
import { waitFor } from '../helpers/wait.js';

const SESSION: ReplayResult = { cookies: ['NSC_AAAC=held-session-value-123; Path=/; HttpOnly'], location: '/vpn/portal.html' };
const CLIENT = { ip: '192.0.2.7', userAgent: 'test browser' };

describe('held gateway sessions (src/gateway/held_sessions.ts)', () => {
  let store: MemoryStore;
  let held: HeldSessions;
  let loggedOut: ReplayResult[];
  let logoutFails: boolean;
  let logs: ReturnType<typeof captureLogs>;

  beforeEach(() => {
    logs = captureLogs();
    store = new MemoryStore({ now: () => Date.now() });
    loggedOut = [];
    logoutFails = false;
    const replayer = {
      logout: async (session: ReplayResult) => {
        if (logoutFails) throw new Error('gateway down');
        loggedOut.push(session);
      },
    } as unknown as GatewayReplayer;
    held = new HeldSessions({ store, keyring: new Keyring(TEST_SECRET, []), replayer, logger: logs.logger, now: () => Date.now() });
  });
  afterEach(async () => {
    held.close();
    await store.close();
  });

  it('keeps the session sealed in the store: its cookie value is nowhere in what is stored', async () => {
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    const stored = await store.get<string>('held-session:login-1');
    expect(stored).to.be.a('string');
    expect(stored).not.to.include('held-session-value');
  });

  it('is taken once: the login that passes claims it, and nothing is logged out', async () => {
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    expect(await held.claim('login-1')).to.deep.equal({ session: SESSION, client: CLIENT });
    expect(await held.claim('login-1')).to.equal(undefined);
    await held.end('login-1', 'cancelled');
    expect(loggedOut).to.deep.equal([]);
  });

  it('a login that ends otherwise logs it out once, and it can no longer be claimed', async () => {
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    await held.end('login-1', 'cancelled');
    await held.end('login-1', 'cancelled');
    expect(loggedOut).to.deep.equal([SESSION]);
    expect(await held.claim('login-1')).to.equal(undefined);
    expect(logs.lines.find((l) => l.event === 'gateway_session_ended')).to.include({ why: 'cancelled', clientIp: CLIENT.ip });
  });

  it('a second session held for the same login ends the first', async () => {
    const second: ReplayResult = { cookies: ['NSC_AAAC=second; Path=/'], location: '/' };
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    await held.hold('login-1', second, CLIENT, Date.now() + 60_000);
    expect(loggedOut).to.deep.equal([SESSION]);
    expect((await held.claim('login-1'))?.session).to.deep.equal(second);
  });

  it('a login nobody ends is ended when its deadline comes', async () => {
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 30);
    await waitFor(() => loggedOut.length === 1, 'the deadline to log the session out');
    expect(await held.claim('login-1')).to.equal(undefined);
    expect(logs.lines.find((l) => l.event === 'gateway_session_ended')).to.include({ why: 'login_expired' });
  });

  it('a session sealed for one login does not open for another', async () => {
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    await store.set('held-session:login-2', await store.get('held-session:login-1'), 60_000);
    expect(await held.claim('login-2')).to.equal(undefined);
  });

  it('a logout the gateway cannot take is logged without the session, and does not throw', async () => {
    logoutFails = true;
    await held.hold('login-1', SESSION, CLIENT, Date.now() + 60_000);
    await held.end('login-1', 'passcode_invalid');
    const line = logs.lines.find((l) => l.event === 'gateway_logout_failed')!;
    expect(line).to.include({ why: 'passcode_invalid' });
    expect(JSON.stringify(logs.lines)).not.to.include('held-session-value');
  });
});
