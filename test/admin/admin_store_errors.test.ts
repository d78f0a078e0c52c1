import { expect } from 'chai';
import { readAdminArgs, runAdminCommand } from '../../src/admin/command.js';
import { openAdmin, type OpenedAdmin } from '../../src/admin/open.js';
import { testConfig } from '../helpers/config.js';
import { startRedisServer, type RedisServer } from '../helpers/redis_server.js';
import { waitFor } from '../helpers/wait.js';

// `factorgate admin` on the configured Redis, when Redis goes away while the command runs: its log
// (standard error) says so in structured lines (store_error), as the running factorgate's does,
// and never with the store's password. A real redis-server, stopped mid-way.

const PASSWORD = 'redis-pw-5c1e-not-for-logs';

/** The JSON lines written to standard error so far (each write is one line). */
const lines = (stderr: string[]): Array<Record<string, unknown>> =>
  stderr.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('factorgate admin: Redis dropping mid-command is logged', function () {
  this.timeout(30_000);
  let server: RedisServer;
  let opened: OpenedAdmin | undefined;

  beforeEach(async () => { server = await startRedisServer({ password: PASSWORD }); });
  afterEach(async () => {
    await opened?.close();
    opened = undefined;
    await server.stop();
  });

  it('Redis stopped after the command opened it: one structured store_error line per trouble, naming the store and the reason, without the password; the command fails with a message', async () => {
    const config = testConfig('http://127.0.0.1:9', { store: { type: 'redis', redis: { url: server.url, password: PASSWORD, keyPrefix: 'admin-drop:', connectTimeoutMs: 500 } } });
    const stderr: string[] = [];
    opened = await openAdmin(config, { actor: 'helpdesk-bo', from: 'cli@test' }, (t) => stderr.push(t));
    const run = async (...argv: string[]) => {
      const read = readAdminArgs(argv);
      if (typeof read === 'string') throw new Error(read);
      let out = '';
      const code = await runAdminCommand(read.args, opened!.deps, (t) => (out += t), (t) => stderr.push(t));
      return { code, out };
    };
    expect((await run('logins', 'list', '--json')).code, 'the store answers at first').to.equal(0);
    expect(lines(stderr).some((l) => l.event === 'store_error')).to.equal(false);

    await server.stop();
    await waitFor(() => lines(stderr).some((l) => l.event === 'store_error'), 'a store_error line on standard error');
    const [first] = lines(stderr).filter((l) => l.event === 'store_error');
    expect(first).to.include({ level: 'warn', store: 'redis' });
    expect(first!.reason).to.be.a('string').and.not.equal('');
    expect((await run('logins', 'list', '--json')).code, 'a command on the dropped store fails').not.to.equal(0);
    expect(stderr.join(''), 'and says why').to.include('factorgate admin: redis store:');
    expect(stderr.join('')).not.to.include(PASSWORD);
  });
});
