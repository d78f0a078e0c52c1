import { expect } from 'chai';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { StoreError, safeReason } from '../../src/state/redis_errors.js';
import { RedisStore } from '../../src/state/redis_store.js';
import { startRedisServer } from '../helpers/redis_server.js';
import { redisStores } from '../helpers/redis_stores.js';
import { storeContract } from './store_contract.js';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Everything an error carries, as a log serialiser could see it. */
function everything(err: unknown): string {
  return `${String(err)} ${JSON.stringify(err)} ${inspect(err, { depth: 10, showHidden: true })}`;
}

async function rejectsWithin(ms: number, operation: () => Promise<unknown>): Promise<unknown> {
  const started = Date.now();
  const error = await operation().then(() => undefined, (err: unknown) => err);
  expect(error, 'the operation should have rejected').to.be.instanceOf(StoreError);
  expect(Date.now() - started, 'time to reject (ms)').to.be.below(ms);
  return error;
}

describe('redis store (src/state/redis_store.ts), on a real redis-server', () => {
  const redis = redisStores('fg:');
  const { open } = redis;

  storeContract('redis store', async () => ({ store: await open(), advance: sleep, twin: await open() }));

  describe('several instances on one Redis', () => {
    it('see each other’s keys: what one sets, another reads, takes or finds taken', async () => {
      const [a, b] = [await open(), await open()];
      await a.set('login:h1', { state: 'awaiting_answer' }, 60_000);
      expect(await b.get('login:h1')).to.deep.equal({ state: 'awaiting_answer' });
      expect(await b.take('login:h1')).to.deep.equal({ state: 'awaiting_answer' });
      expect(await a.get('login:h1')).to.equal(undefined);
      expect(await a.setIfAbsent('lock', 'a', 60_000)).to.equal(true);
      expect(await b.setIfAbsent('lock', 'b', 60_000)).to.equal(false);
      await b.delete('lock');
      expect(await a.get('lock')).to.equal(undefined);
    });

    it('give a single-use value to exactly one taker across instances', async () => {
      const [a, b] = [await open(), await open()];
      await a.set('once', 'v', 60_000);
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).take('once')));
      expect(results.filter((r) => r === 'v')).to.have.length(1);
    });

    it('count 200 concurrent increments from two instances exactly, in one window', async () => {
      const [a, b] = [await open(), await open()];
      const counts = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).increment('attempts', 60_000)));
      expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
      expect(await a.get('attempts')).to.equal(200);
      expect(await redis.raw().pttl('fg:attempts')).to.be.within(1, 60_000);
    });
  });

  describe('keys', () => {
    it('puts the prefix before every key it writes, and two prefixes keep apart', async () => {
      const [one, two] = [await open('app1:'), await open('app2:')];
      await one.set('k', 'one', 60_000);
      await two.set('k', 'two', 60_000);
      await one.setIfAbsent('lock', 1, 60_000);
      await one.increment('n', 60_000);
      expect(await two.setIfAbsent('lock', 2, 60_000)).to.equal(true);
      expect(await two.increment('n', 60_000)).to.equal(1);
      expect(await one.get('k')).to.equal('one');
      expect(await two.take('k')).to.equal('two');
      expect(await one.get('k')).to.equal('one');
      expect((await redis.raw().keys('*')).sort()).to.deep.equal(['app1:k', 'app1:lock', 'app1:n', 'app2:lock', 'app2:n']);
    });

    it('writes values as JSON text', async () => {
      const store = await open();
      await store.set('k', { state: 'started', list: [1, 'a'] }, 60_000);
      expect(await redis.raw().get('fg:k')).to.equal('{"state":"started","list":[1,"a"]}');
    });

    it('gives every key it writes a TTL no longer than asked', async () => {
      const store = await open();
      await store.set('set', 'v', 60_000);
      await store.setIfAbsent('absent', 'v', 30_000);
      for (let i = 0; i < 3; i += 1) await store.increment('counter', 20_000);
      await store.set('rounded', 'v', 150.2);
      const keys = await redis.raw().keys('*');
      expect(keys.sort()).to.deep.equal(['fg:absent', 'fg:counter', 'fg:rounded', 'fg:set']);
      expect(await redis.raw().pttl('fg:set')).to.be.within(59_000, 60_000);
      expect(await redis.raw().pttl('fg:absent')).to.be.within(29_000, 30_000);
      expect(await redis.raw().pttl('fg:counter')).to.be.within(19_000, 20_000);
      expect(await redis.raw().pttl('fg:rounded')).to.be.within(1, 151);
    });

    it('gives a TTL to a counter found without one, rather than count it for ever', async () => {
      const store = await open();
      await redis.raw().set('fg:counter', '5');
      expect(await store.increment('counter', 20_000)).to.equal(6);
      expect(await redis.raw().pttl('fg:counter')).to.be.within(19_000, 20_000);
    });

    it('refuses a TTL that is not a positive number, and writes nothing', async () => {
      const store = await open();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        for (const write of [() => store.set('k', 'v', ttl), () => store.setIfAbsent('k', 'v', ttl), () => store.increment('k', ttl)]) {
          const error = await write().then(() => undefined, (err: unknown) => err);
          expect(error, `TTL ${ttl}`).to.be.instanceOf(RangeError);
        }
      }
      expect(await redis.raw().keys('*')).to.deep.equal([]);
    });
  });

  describe('failing closed', () => {
    const operations = (store: RedisStore): Array<[string, () => Promise<unknown>]> => [
      ['get', () => store.get('k')],
      ['set', () => store.set('k', 'v', 60_000)],
      ['setIfAbsent', () => store.setIfAbsent('k', 'v', 60_000)],
      ['take', () => store.take('k')],
      ['delete', () => store.delete('k')],
      ['increment', () => store.increment('n', 60_000)],
    ];

    it('rejects every operation within 2 s while Redis is down, and works again once it is back', async function () {
      this.timeout(20_000);
      const store = await open();
      await store.set('k', 'before', 60_000);
      await redis.server().stop();
      try {
        for (const [name, operation] of operations(store)) {
          const error = (await rejectsWithin(2000, operation)) as StoreError;
          expect(error.operation).to.equal(name);
        }
        expect(store.healthy).to.equal(false);
        expect(await store.ping()).to.equal(false);
      } finally {
        await redis.server().restart();
      }
      expect(await store.ready(5000), 'reconnected by itself').to.equal(true);
      expect(store.healthy).to.equal(true);
      await store.set('k', 'after', 60_000);
      expect(await store.take('k')).to.equal('after');
      expect(await store.increment('n', 60_000)).to.equal(1);
    });

    it('rejects within 2 s when Redis hangs, and answers correctly once it resumes', async function () {
      this.timeout(20_000);
      const store = await open();
      await store.set('k', 'before', 60_000);
      await redis.server().pause();
      try {
        await Promise.all([rejectsWithin(2000, () => store.get('k')), rejectsWithin(2000, () => store.take('k'))]);
      } finally {
        redis.server().resume();
      }
      // The late replies to the timed-out commands must not be handed to later ones.
      await store.set('a', 'A', 60_000);
      await store.set('b', 'B', 60_000);
      expect(await store.get('b')).to.equal('B');
      expect(await store.get('a')).to.equal('A');
    });

    it('when Redis cannot be reached from the start: not ready, and every operation rejects at once', async () => {
      const reasons: string[] = [];
      const store = new RedisStore({ url: 'redis://127.0.0.1:1', keyPrefix: 'fg:', connectTimeoutMs: 300, onError: (r) => reasons.push(r) });
      redis.closeAfter(store);
      expect(await store.ready(300)).to.equal(false);
      expect(store.healthy).to.equal(false);
      for (const [, operation] of operations(store)) await rejectsWithin(500, operation);
      expect(reasons.join('\n')).to.include('ECONNREFUSED');
    });
  });

  describe('connecting', () => {
    it('authenticates with the password option, and is not ready without it', async () => {
      const guarded = await startRedisServer({ password: 'pw-1c9e' });
      try {
        const without = new RedisStore({ url: guarded.url, keyPrefix: 'fg:', connectTimeoutMs: 500 });
        const withPassword = new RedisStore({ url: guarded.url, keyPrefix: 'fg:', password: 'pw-1c9e' });
        redis.closeAfter(without, withPassword);
        expect(await without.ready(500)).to.equal(false);
        await rejectsWithin(2000, () => without.get('k'));
        expect(await withPassword.ready()).to.equal(true);
        await withPassword.set('k', 'v', 60_000);
        expect(await withPassword.get('k')).to.equal('v');
      } finally {
        await guarded.stop();
      }
    });
  });

  describe('what an error may say', () => {
    it('names neither key nor value when Redis refuses a write (out of memory)', async () => {
      const store = await open();
      await redis.raw().config('SET', 'maxmemory', '1');
      try {
        const error = await rejectsWithin(2000, () => store.set('login:handle-8c1f', { sealed: 'hunter2-sealed' }, 60_000));
        expect(String(error)).to.include('OOM');
        expect(everything(error)).not.to.include('hunter2').and.not.to.include('handle-8c1f');
      } finally {
        await redis.raw().config('SET', 'maxmemory', '0');
      }
    });

    it('does not quote a stored value that is not JSON', async () => {
      const store = await open();
      await redis.raw().set('fg:k', 'hunter2 is not JSON', 'PX', 60_000);
      for (const read of [() => store.get('k'), () => store.take('k')]) {
        const error = await rejectsWithin(2000, read);
        expect(everything(error)).not.to.include('hunter2');
      }
    });

    it('cuts the arguments Redis echoes for an unknown (renamed) command', () => {
      const reason = safeReason(new Error("ERR unknown command 'set', with args beginning with: 'fg:login:h1' '{\"sealed\":\"hunter2\"}' "));
      expect(reason).to.equal("ERR unknown command 'set'");
      expect(safeReason(new Error('x'.repeat(500)))).to.have.length(200);
    });
  });

  describe('close', () => {
    it('closes the connection it opened, and refuses operations afterwards', async () => {
      const store = await open();
      const clients = async () => (await redis.raw().client('LIST') as string).trim().split('\n').length;
      const before = await clients();
      await store.close();
      expect(store.healthy).to.equal(false);
      expect(await store.ping()).to.equal(false);
      await rejectsWithin(500, () => store.get('k'));
      await sleep(50);
      expect(await clients()).to.equal(before - 1);
    });

    it('leaves a client it was handed open, and uses that client with the prefix', async () => {
      const client = new Redis(redis.server().url);
      try {
        const store = new RedisStore({ client, keyPrefix: 'handed:' });
        expect(await store.ready()).to.equal(true);
        await store.set('k', 'v', 60_000);
        await store.close();
        expect(client.status).to.equal('ready');
        expect(await client.get('handed:k')).to.equal('"v"');
      } finally {
        client.disconnect();
      }
    });
  });
});
