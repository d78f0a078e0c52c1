import { expect } from 'chai';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PortalSessions, type PortalSessionBase } from '../../src/http/portal_session.js';
import { Keyring } from '../../src/security/keyring.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import { FakeClock } from '../helpers/clock.js';
import { captureLogs } from '../helpers/log_capture.js';

// A portal session with an idle limit is written back on every read (its idle clock starts
// again). A sign-out that lands between that read and its write must win: the write never
// brings an ended session back.

/** Holds the next read of a session key after it has read, until released. */
class HeldRead {
  reached!: Promise<void>;
  private arrived!: () => void;
  private gate: Promise<void> = Promise.resolve();
  private open!: () => void;
  private armed = false;
  arm(): void {
    this.armed = true;
    this.reached = new Promise((resolve) => { this.arrived = resolve; });
    this.gate = new Promise((resolve) => { this.open = resolve; });
  }
  release(): void {
    this.open();
  }
  wrap(store: Store): Store {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        if (property !== 'get') return Reflect.get(target, property, receiver) as unknown;
        return async <T>(key: string): Promise<T | undefined> => {
          const value = await target.get<T>(key);
          if (this.armed && key.startsWith('portal:session:')) {
            this.armed = false;
            this.arrived();
            await this.gate;
          }
          return value;
        };
      },
    });
  }
}

describe('portal sessions (src/http/portal_session.ts): an ended session stays ended', () => {
  let server: Server;
  let url: string;
  const store = new MemoryStore(new FakeClock());
  const held = new HeldRead();
  const sessions = new PortalSessions<PortalSessionBase, Record<string, never>>(
    { name: 'portal', purpose: 'portal-test', cookie: { name: 'fg_portal', path: '/', secure: false, sameSite: 'strict' }, absoluteMs: 3_600_000, idleMs: 600_000 },
    { store: held.wrap(store), keyring: new Keyring('portal-session-test-secret-0123456789-abc'), clock: new FakeClock(), logger: captureLogs().logger },
  );

  before(async () => {
    const app = express();
    app.post('/start', async (req, res) => { await sessions.start(req, res, 'alice', 'ready'); res.end('started'); });
    app.get('/read', async (req, res) => { res.end((await sessions.read(req)) ? 'live' : 'none'); });
    app.post('/end', async (req, res) => { await sessions.end(req, res); res.end('ended'); });
    server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function started(): Promise<string> {
    const reply = await fetch(`${url}/start`, { method: 'POST' });
    return reply.headers.get('set-cookie')!.split(';')[0]!;
  }
  const read = async (cookie: string) => (await fetch(`${url}/read`, { headers: { cookie } })).text();
  const sessionKeys = async () => store.keys('portal:session:', 10);

  it('a read refreshes a live session, which stays readable (the control)', async () => {
    const cookie = await started();
    expect(await read(cookie)).to.equal('live');
    expect(await read(cookie)).to.equal('live');
    expect(await sessionKeys()).to.have.length(1);
    await fetch(`${url}/end`, { method: 'POST', headers: { cookie } });
  });

  it('a sign-out between a read and its write: the read finds no session, and none is written back', async () => {
    const cookie = await started();
    held.arm();
    const inFlight = read(cookie);
    await held.reached; // the record is read; its write is still to come
    expect(await (await fetch(`${url}/end`, { method: 'POST', headers: { cookie } })).text()).to.equal('ended');
    held.release();
    expect(await inFlight).to.equal('none');
    expect(await sessionKeys(), 'the ended session came back').to.deep.equal([]);
    expect(await read(cookie)).to.equal('none');
  });
});
