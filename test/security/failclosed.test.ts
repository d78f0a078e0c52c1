import { expect } from 'chai';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { startHarness, startLogin, type Harness } from '../helpers/harness.js';
import { ANAKAM_URL } from '../helpers/config.js';

type HungServer = {
  url: string;
  /** Resolves once `count` callouts in all have reached the server. */
  reached(count: number): Promise<void>;
  /** Resolves once factorgate has given up on `count` callouts in all (closed them unanswered). */
  droppedBy(count: number): Promise<void>;
  /** Callouts closed by factorgate before an answer. */
  readonly dropped: number;
  /** Answers every callout still held: 503. */
  release(): void;
  close(): Promise<void>;
};

/**
 * A two-factor server that takes every callout and answers none until the test releases it. The
 * tests wait on what it sees (a callout arriving, one given up on), never on a span of time.
 */
async function startHungServer(): Promise<HungServer> {
  const held: ServerResponse[] = [];
  let dropped = 0;
  const waiters: Array<{ done: () => boolean; resolve: () => void }> = [];
  const settle = () => {
    for (const waiter of waiters.filter((w) => w.done())) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  const when = (done: () => boolean) => new Promise<void>((resolve) => {
    waiters.push({ done, resolve });
    settle();
  });
  const server = createServer((req, res) => {
    req.resume();
    held.push(res);
    res.once('close', () => {
      if (!res.writableFinished) dropped += 1;
      settle();
    });
    settle();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reached: (count) => when(() => held.length >= count),
    droppedBy: (count) => when(() => dropped >= count),
    get dropped() { return dropped; },
    release() {
      for (const res of held) if (!res.writableEnded && !res.destroyed) res.writeHead(503).end();
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const LOGINS = 5;

describe('security: failing closed', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  describe('a two-factor server that hangs', () => {
    let tfa: HungServer | undefined;
    afterEach(async () => {
      await tfa?.close();
      tfa = undefined;
    });

    it('while logins wait on it, everyone else is still served, and the logins end with the server\'s failure, never at the gateway', async () => {
      tfa = await startHungServer();
      // No deadline falls within the test: the logins wait for as long as the server holds them.
      h = await startHarness({ anakam: { baseUrl: tfa.url, timeoutMs: 60_000 } });
      const harness = h;
      let loginsAnswered = 0;
      const logins = Array.from({ length: LOGINS }, () => startLogin(harness.browser(), 'alice', 'alice-pw').finally(() => { loginsAnswered += 1; }));
      await tfa.reached(LOGINS);
      const others = await Promise.all(Array.from({ length: 20 }, () => harness.browser().get('/echo')));
      expect(others.map((r) => r.status)).to.deep.equal(Array.from({ length: 20 }, () => 200));
      // Pass-through was answered while every login still waited on the hanging server.
      expect(loginsAnswered).to.equal(0);
      expect(tfa.dropped).to.equal(0);
      tfa.release();
      for (const reply of await Promise.all(logins)) {
        expect(reply.status).to.equal(503);
        expect(reply.json().code).to.equal('tfa_unavailable');
      }
      expect(h.gateway.logins).to.have.length(0);
    });

    it('once the callout\'s deadline passes, every waiting browser gets a failure page, one log line each says so, and nothing reaches the gateway', async () => {
      tfa = await startHungServer();
      h = await startHarness({ anakam: { baseUrl: tfa.url, timeoutMs: 800 } });
      const harness = h;
      // Half as the page's script asks (JSON for its dialog), half as a browser without it (a page).
      const logins = Array.from({ length: LOGINS }, (_, i) => startLogin(harness.browser(), 'alice', 'alice-pw', i % 2 === 0));
      await tfa.reached(LOGINS);
      const replies = await Promise.all(logins);
      for (const [i, reply] of replies.entries()) {
        expect(reply.status).to.equal(503);
        if (i % 2 === 0) expect(reply.json().code).to.equal('tfa_unavailable');
        else expect(reply.body).to.include('The two-factor service is not answering right now').and.include('href="/vpn/index.html"');
      }
      // The server never answered: each login ended at its callout's deadline, which let the call go.
      const failures = h.logs.lines.filter((l) => l.event === 'login_failed');
      expect(failures).to.have.length(LOGINS);
      for (const line of failures) expect(line).to.include({ code: 'tfa_unavailable', detail: 'callout timed out', cause: 'timeout' });
      await tfa.droppedBy(LOGINS);
      expect(h.gateway.logins).to.have.length(0);
    });
  });

  it('a garbage reply in the middle of a login ends it with no session', async () => {
    h = await startHarness();
    nock(ANAKAM_URL).post(/auth/).query(true).reply(200, '<authResponse><authKey>abcdefgh-1234</authKey><status>TOKEN_CREATED</status></authResponse>');
    nock(ANAKAM_URL).put(/challenge/).reply(200, '<errorResponse><status>AUTHENTICATED</status></errorResponse>');
    const reply = await startLogin(h.browser(), 'alice', 'alice-pw');
    expect(reply.json().code).to.equal('tfa_protocol');
    expect(reply.setCookies.some((c) => c.startsWith('NSC_'))).to.equal(false);
  });
});
