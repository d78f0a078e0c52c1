import { expect } from 'chai';
import nock from 'nock';
import { runAdminCommand } from '../../src/admin/command.js';
import { AdminAudit } from '../../src/admin/audit.js';
import { adminDeps } from '../../src/admin/open.js';
import { PUSH_NOT_AVAILABLE, pushTokenLister, type PushTokenLister } from '../../src/admin/push_tokens.js';
import { createLinotpSimulator, type LinotpSimulator } from '../../src/demo/simulators/linotp/index.js';
import { LinotpClient } from '../../src/providers/linotp/client.js';
import { linotpConfigSchema } from '../../src/providers/linotp/config.js';
import { MemoryStore } from '../../src/state/memory_store.js';
import { testConfig } from '../helpers/config.js';
import { captureLogs } from '../helpers/log_capture.js';
import { signedIn, startAdmin } from '../adminweb/helpers.js';

// A user's push enrolment as the push server lists it (LinOTP's GET /admin/show), against the
// push simulator: listed, refused (403, 404) and held past the callout's time. The administrator
// sees "not available from the push server" and never an error; the log gets one line.

/**
 * A listing the server answers gets a deadline far above what a busy machine can delay a local
 * answer (a listing given up on is "not available", and the test would fail for the machine's
 * speed); only the server that holds the listing gets a short one, and it never answers, so that
 * test just waits for it.
 */
const ANSWER_MS = 10_000;
const HOLD_MS = 300;
const BOB = { password: 'bob-pw', push: { pin: '1234' } };

/** Lines at warn or above: what an administrator's log shows of a listing. */
const warnings = (logs: ReturnType<typeof captureLogs>) => logs.lines.filter((l) => ['warn', 'error', 'fatal'].includes(String(l.level)));

describe('push tokens from the push server (src/admin/push_tokens.ts, LinOTP /admin/show)', function () {
  this.timeout(20_000);
  let sim: LinotpSimulator;
  let client: LinotpClient;
  let logs: ReturnType<typeof captureLogs>;
  let list: PushTokenLister;

  beforeEach(async () => {
    sim = createLinotpSimulator({ users: { bob: BOB, alice: { password: 'alice-pw' } } });
    await sim.listen();
    logs = captureLogs('info');
    ({ client, list } = listerFor(sim.url, ANSWER_MS));
  });

  /** A LinOTP client over the simulator, and the listing through it, both with `timeoutMs`. */
  function listerFor(url: string, timeoutMs: number): { client: LinotpClient; list: PushTokenLister } {
    const linotp = new LinotpClient({ ...linotpConfigSchema.parse({ urls: [url], timeoutMs }), logger: logs.logger, now: Date.now });
    return { client: linotp, list: pushTokenLister(linotp, { timeoutMs, logger: logs.logger, now: Date.now }) };
  }
  afterEach(async () => {
    client.close();
    await sim.close();
  });

  /** `factorgate admin users show NAME` over a memory store, with the lister above. */
  async function usersShow(user: string, ...flags: string[]): Promise<{ code: number; out: string }> {
    const config = testConfig('http://127.0.0.1:9');
    const deps = adminDeps(config, { store: new MemoryStore(), audit: new AdminAudit({ actor: 'a', from: 'b' }, () => undefined, Date.now), now: Date.now, pushTokens: list });
    let out = '';
    const code = await runAdminCommand({ positionals: ['users', 'show', user], json: flags.includes('--json'), all: false }, deps, (t) => (out += t), () => undefined);
    return { code, out };
  }

  it('lists the user\'s push token as the server reports it, and none for a user without one', async () => {
    expect(await list('bob')).to.deep.equal([{ serial: 'PUSH0001', description: 'demo push token', active: true, failCount: 0 }]);
    expect(await list('alice')).to.deep.equal([]);
    expect(warnings(logs)).to.deep.equal([]);
  });

  it('users show --json gives the tokens to a script; the text names them', async () => {
    const json = await usersShow('bob', '--json');
    expect(json.code).to.equal(0);
    expect(JSON.parse(json.out).pushTokens).to.deep.equal([{ serial: 'PUSH0001', description: 'demo push token', active: true, failCount: 0 }]);
    const text = await usersShow('bob');
    expect(text.out).to.contain('push tokens (as the push server lists them):\n  PUSH0001  "demo push token"  active  0 failed\n');
  });

  for (const status of [403, 404]) {
    it(`a server that answers the listing ${status}: "not available from the push server" in the CLI (exit 0) and one log line`, async () => {
      sim.setFault({ status });
      expect(await list('bob')).to.equal(PUSH_NOT_AVAILABLE);
      const json = await usersShow('bob', '--json');
      expect(json.code).to.equal(0);
      expect(JSON.parse(json.out).pushTokens).to.equal('not available from the push server');
      expect((await usersShow('bob')).out).to.contain('push tokens (as the push server lists them):\n  not available from the push server\n');
      // One line per listing (three listings above), each saying why.
      expect(warnings(logs)).to.have.length(3);
      expect(warnings(logs)[0]).to.deep.include({ event: 'push_tokens_unavailable', user: 'bob', command: 'admin_show', httpStatus: status });
    });
  }

  it('a server that holds the listing: given up after linotp.timeoutMs, not available, one log line (no line per server besides)', async () => {
    client.close();
    ({ client, list } = listerFor(sim.url, HOLD_MS));
    sim.setFault({ timeout: true });
    expect(await list('bob')).to.equal(PUSH_NOT_AVAILABLE);
    expect(warnings(logs)).to.have.length(1);
    expect(warnings(logs)[0]).to.deep.include({ event: 'push_tokens_unavailable', user: 'bob', code: 'tfa_unavailable', cause: 'timeout' });
  });
});

describe('push tokens: what the reply may hold', () => {
  const URL_ = 'http://linotp-list.test';
  let client: LinotpClient;
  let logs: ReturnType<typeof captureLogs>;
  let list: PushTokenLister;
  beforeEach(() => {
    logs = captureLogs('info');
    client = new LinotpClient({ ...linotpConfigSchema.parse({ urls: [URL_], timeoutMs: ANSWER_MS }), logger: logs.logger, now: Date.now });
    list = pushTokenLister(client, { timeoutMs: ANSWER_MS, logger: logs.logger, now: Date.now });
  });
  afterEach(() => {
    client.close();
    nock.cleanAll();
  });

  const token = (fields: Record<string, unknown>) => ({ 'LinOtp.TokenSerial': 'PUSH0001', 'LinOtp.TokenType': 'push', ...fields });
  const listing = (data: unknown[]) => ({ result: { status: true, value: { resultset: { tokens: data.length }, data } } });

  it('only push tokens, at most 50, and no control character reaches a page or a terminal', async () => {
    const many = Array.from({ length: 60 }, (_, i) => token({ 'LinOtp.TokenSerial': `PUSH${i}` }));
    nock(URL_).get('/admin/show').query({ user: 'bob', pagesize: '50' }).reply(200, listing([
      token({ 'LinOtp.TokenSerial': 'HOTP1', 'LinOtp.TokenType': 'HMAC' }), token({ 'LinOtp.TokenDesc': 'phone\u001b[2Jwiped' }), ...many,
    ]));
    const tokens = await list('bob');
    expect(tokens).to.have.length(50);
    expect(tokens[0]).to.deep.equal({ serial: 'PUSH0001', description: 'phone?[2Jwiped' });
    expect(JSON.stringify(tokens)).not.to.contain('HOTP1');
  });

  it('a reply larger than the client reads, a server error, or one of the wrong shape: not available, one line each', async () => {
    nock(URL_).get('/admin/show').query(true).reply(200, JSON.stringify(listing([token({ 'LinOtp.TokenDesc': 'x'.repeat(70 * 1024) })])));
    nock(URL_).get('/admin/show').query(true).reply(200, { result: { status: false, error: { code: -311, message: 'no admin rights' } } });
    nock(URL_).get('/admin/show').query(true).reply(200, listing([{ 'LinOtp.TokenSerial': 12 }]));
    for (let i = 0; i < 3; i++) expect(await list('bob')).to.equal(PUSH_NOT_AVAILABLE);
    expect(logs.lines.filter((l) => l.event === 'push_tokens_unavailable').map((l) => l.code)).to.deep.equal(['tfa_protocol', 'tfa_protocol', 'tfa_protocol']);
  });
});

describe('/admin: a user\'s page lists their push tokens from the push server', function () {
  this.timeout(20_000);
  it('lists them, and says "not available from the push server" (never an error page) when the server refuses', async () => {
    const sim = createLinotpSimulator({ users: { bob: BOB } });
    await sim.listen();
    const admin = await startAdmin({ linotp: { urls: [sim.url], timeoutMs: ANSWER_MS } });
    try {
      const { browser } = await signedIn(admin);
      const listed = await browser.get('/admin/users/bob');
      expect(listed.body).to.contain('<h2>Push enrolment</h2>').and.contain('<td>PUSH0001</td>').and.contain('demo push token');
      sim.setFault({ status: 403 });
      const refused = await browser.get('/admin/users/bob');
      expect(refused.status).to.equal(200);
      expect(refused.body).to.contain('Not available from the push server').and.contain('bob&#39;s phone');
      expect(admin.h.logs.lines.filter((l) => l.event === 'push_tokens_unavailable')).to.have.length(1);
    } finally {
      await admin.close();
      await sim.close();
    }
  });
});
