import { expect } from 'chai';
import { RememberedBrowsers, summariseUserAgent } from '../../../src/security/remembered_browsers.js';
import { MemoryStore } from '../../../src/state/memory_store.js';
import { RedisStore } from '../../../src/state/redis_store.js';
import type { Store } from '../../../src/state/store.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis_server.js';

const HOUR = 3_600_000;
const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The list's behaviour, whatever store keeps it: run against the memory store and a real Redis. */
function listContract(name: string, open: () => Promise<Store>): void {
  describe(`remembered browsers (src/security/remembered_browsers.ts) on ${name}`, () => {
    let store: Store;
    let now: number;
    let browsers: RememberedBrowsers;
    beforeEach(async () => {
      store = await open();
      now = Date.now();
      browsers = new RememberedBrowsers(store, { maxPerUser: 3, now: () => now });
    });
    afterEach(() => store.close());

    it('lists an issued browser with its user, times, address and user agent summary, and holds its id', async () => {
      const id = await browsers.issue('alice', { ip: '192.0.2.7', userAgent: FIREFOX }, now + 8 * HOUR);
      expect(await browsers.holds('alice', id)).to.equal(true);
      expect(await browsers.list('alice')).to.deep.equal([{ id, user: 'alice', issuedAt: now, expiresAt: now + 8 * HOUR, clientIp: '192.0.2.7', userAgent: 'Firefox 128 on Linux' }]);
    });

    it('issues 128-bit hex ids, so none starts with "-" and is read as an option by the admin command', async () => {
      const ids = await Promise.all(Array.from({ length: 64 }, () => browsers.issue('alice', { ip: '192.0.2.7' }, now + HOUR)));
      for (const id of ids) expect(id).to.match(/^[0-9a-f]{32}$/);
      expect(new Set(ids).size).to.equal(64);
    });

    it('does not hold an id for another user, an unknown id, a malformed id or none', async () => {
      const id = await browsers.issue('alice', { ip: '192.0.2.7' }, now + HOUR);
      expect(await browsers.holds('bob', id)).to.equal(false);
      expect(await browsers.holds('alice', 'a'.repeat(32))).to.equal(false);
      expect(await browsers.holds('alice', `${id}*`)).to.equal(false);
      expect(await browsers.holds('alice', undefined)).to.equal(false);
      expect(await browsers.list('bob')).to.deep.equal([]);
    });

    it('a revoked browser is no longer held or listed, and the others stay', async () => {
      const first = await browsers.issue('alice', { ip: '192.0.2.7' }, now + HOUR);
      const second = await browsers.issue('alice', { ip: '192.0.2.8' }, now + HOUR);
      expect(await browsers.revoke('alice', first)).to.equal(true);
      expect(await browsers.holds('alice', first)).to.equal(false);
      expect(await browsers.holds('alice', second)).to.equal(true);
      expect((await browsers.list('alice')).map((b) => b.id)).to.deep.equal([second]);
      expect(await browsers.revoke('alice', first), 'a second revocation finds nothing').to.equal(false);
    });

    it('one user cannot revoke another\'s browser by its id', async () => {
      const id = await browsers.issue('alice', { ip: '192.0.2.7' }, now + HOUR);
      expect(await browsers.revoke('bob', id)).to.equal(false);
      expect(await browsers.holds('alice', id)).to.equal(true);
    });

    it('revokes all of a user\'s browsers at once, and no one else\'s', async () => {
      const ids = [await browsers.issue('alice', { ip: '192.0.2.7' }, now + HOUR), await browsers.issue('alice', { ip: '192.0.2.8' }, now + 2 * HOUR)];
      const bobs = await browsers.issue('bob', { ip: '192.0.2.9' }, now + HOUR);
      expect(await browsers.revokeAll('alice')).to.equal(2);
      for (const id of ids) expect(await browsers.holds('alice', id)).to.equal(false);
      expect(await browsers.list('alice')).to.deep.equal([]);
      expect(await browsers.holds('bob', bobs)).to.equal(true);
    });

    it('keeps at most maxPerUser browsers per user: the oldest is dropped and no longer held', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) ids.push(await browsers.issue('alice', { ip: `192.0.2.${i}` }, now + HOUR));
      expect(await browsers.holds('alice', ids[0])).to.equal(false);
      expect((await browsers.list('alice')).map((b) => b.id)).to.deep.equal(ids.slice(1));
    });

    it('a browser past its expiry is neither held nor listed, nor counted against the bound', async () => {
      const old = await browsers.issue('alice', { ip: '192.0.2.1' }, now + 1000);
      const later = await browsers.issue('alice', { ip: '192.0.2.2' }, now + HOUR);
      now += 1000;
      expect(await browsers.holds('alice', old)).to.equal(false);
      expect((await browsers.list('alice')).map((b) => b.id)).to.deep.equal([later]);
      const more = [await browsers.issue('alice', { ip: '192.0.2.3' }, now + HOUR), await browsers.issue('alice', { ip: '192.0.2.4' }, now + HOUR)];
      expect((await browsers.list('alice')).map((b) => b.id), 'the expired one took no place').to.deep.equal([later, ...more]);
    });
  });
}

listContract('the memory store', async () => new MemoryStore());

describe('on a real redis-server', () => {
  let server: RedisServer;
  before(async () => { server = await startRedisServer(); });
  after(async () => { await server?.stop(); });
  listContract('Redis', async () => {
    const store = new RedisStore({ url: server.url, keyPrefix: `fg-${Math.random().toString(36).slice(2)}:` });
    expect(await store.ready()).to.equal(true);
    return store;
  });
});

describe('summariseUserAgent', () => {
  it('names the browser, its major version and the system, and nothing else of the header', () => {
    expect(summariseUserAgent(FIREFOX)).to.equal('Firefox 128 on Linux');
    expect(summariseUserAgent(CHROME)).to.equal('Chrome 126 on Windows');
  });

  it('says "unknown browser" for no header, and keeps a hostile one printable and short', () => {
    expect(summariseUserAgent(undefined)).to.equal('unknown browser');
    expect(summariseUserAgent('')).to.equal('unknown browser');
    const hostile = summariseUserAgent(`Evil\u001b[2J\nBrowser/${'9'.repeat(500)} ${'x'.repeat(2000)}`);
    expect(hostile).to.match(/^[\x20-\x7e]{0,80}$/);
  });
});
