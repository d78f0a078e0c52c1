import { expect } from 'chai';
import type { Store } from '../../src/state/store.js';

export type StoreUnderTest = {
  store: Store;
  /** Lets `ms` of store time pass: a fake clock moves, a real store is waited on. */
  advance(ms: number): Promise<void>;
  /** Another client of the same data, as a second factorgate process holds one (the store itself where there is one process). */
  twin: Store;
};

// Short enough to wait for on a real Redis. A value must still be there EARLY into its TTL
// (200 ms of slack for a slow machine) and gone after EARLY + LATE (50 ms past its end).
const TTL = 300;
const EARLY = 100;
const LATE = 250;
const LONG = 60_000;

/**
 * What every Store must do, whatever keeps the data. Run by the memory and the Redis store
 * tests, so the two stay interchangeable.
 */
export function storeContract(name: string, makeStore: () => Promise<StoreUnderTest>): void {
  describe(`${name}: the Store contract`, () => {
    let store: Store;
    let advance: (ms: number) => Promise<void>;
    let twin: Store;

    beforeEach(async () => ({ store, advance, twin } = await makeStore()));
    afterEach(() => store.close());

    describe('get and set', () => {
      it('gives back every kind of JSON value as it was set', async () => {
        const values: Record<string, unknown> = {
          record: { state: 'awaiting_answer', nested: { attempts: 2, ok: true, none: null }, list: [1, 'two', { three: 3 }] },
          text: 'päss wörd ✓ "quoted" \\ \n',
          empty: '',
          zero: 0,
          fraction: -12.5,
          falsy: false,
          nothing: null,
          list: [],
        };
        for (const [key, value] of Object.entries(values)) await store.set(key, value, LONG);
        for (const [key, value] of Object.entries(values)) expect(await store.get(key), key).to.deep.equal(value);
      });

      it('gives undefined for a key never set', async () => {
        expect(await store.get('never-set')).to.equal(undefined);
      });

      it('refuses undefined, which JSON cannot keep, and leaves the key as it was', async () => {
        await store.set('k', 'before', LONG);
        let failure: unknown;
        await store.set('k', undefined, LONG).catch((err: unknown) => (failure = err));
        expect(failure).to.be.instanceOf(TypeError);
        expect(await store.get('k')).to.equal('before');
      });

      it('keeps a value while its TTL runs and forgets it once the TTL has passed', async () => {
        await store.set('k', 'v', TTL);
        await advance(EARLY);
        expect(await store.get('k')).to.equal('v');
        await advance(LATE);
        expect(await store.get('k')).to.equal(undefined);
      });

      it('replaces the value and restarts the TTL when a key is set again', async () => {
        await store.set('k', 'v1', TTL);
        await advance(TTL / 2);
        await store.set('k', 'v2', TTL);
        await advance(TTL / 2 + 50); // past the first TTL, within the second
        expect(await store.get('k')).to.equal('v2');
      });

      it('stores a copy: changing the original after set changes nothing stored', async () => {
        const record = { state: 'started', nested: { attempts: 0 }, list: ['a'] };
        await store.set('k', record, LONG);
        record.state = 'done';
        record.nested.attempts = 99;
        record.list.push('b');
        expect(await store.get('k')).to.deep.equal({ state: 'started', nested: { attempts: 0 }, list: ['a'] });
      });

      it('hands out a copy: changing what get returned changes nothing stored', async () => {
        await store.set('k', { state: 'awaiting_answer', wrongAnswers: 0 }, LONG);
        const loaded = (await store.get<{ state: string; wrongAnswers: number }>('k'))!;
        loaded.state = 'second_factor_passed';
        loaded.wrongAnswers = 5;
        expect(await store.get('k')).to.deep.equal({ state: 'awaiting_answer', wrongAnswers: 0 });
      });
    });

    describe('delete', () => {
      it('removes one key and leaves the others', async () => {
        await store.set('a', 1, LONG);
        await store.set('b', 2, LONG);
        await store.delete('a');
        expect(await store.get('a')).to.equal(undefined);
        expect(await store.get('b')).to.equal(2);
      });

      it('is quiet about a key that is not there', async () => {
        await store.delete('never-set');
        expect(await store.get('never-set')).to.equal(undefined);
      });
    });

    describe('setIfAbsent', () => {
      it('stores only when the key is absent and says whether it stored', async () => {
        expect(await store.setIfAbsent('lock', 'first', LONG)).to.equal(true);
        expect(await store.setIfAbsent('lock', 'second', LONG)).to.equal(false);
        expect(await store.get('lock')).to.equal('first');
      });

      it('gives its value a TTL, and stores again once that has passed', async () => {
        expect(await store.setIfAbsent('lock', 'first', TTL)).to.equal(true);
        await advance(EARLY);
        expect(await store.setIfAbsent('lock', 'second', TTL)).to.equal(false);
        await advance(LATE);
        expect(await store.get('lock')).to.equal(undefined);
        expect(await store.setIfAbsent('lock', 'third', LONG)).to.equal(true);
        expect(await store.get('lock')).to.equal('third');
      });

      it('stores again after the key was deleted', async () => {
        await store.setIfAbsent('lock', 1, LONG);
        await store.delete('lock');
        expect(await store.setIfAbsent('lock', 2, LONG)).to.equal(true);
        expect(await store.get('lock')).to.equal(2);
      });

      it('lets exactly one of many concurrent callers store', async () => {
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.setIfAbsent('lock', i, LONG)));
        expect(results.filter((stored) => stored)).to.have.length(1);
        expect(await store.get('lock')).to.equal(results.indexOf(true));
      });
    });

    describe('setIfPresent', () => {
      it('replaces a live value and says so; a key never set, or deleted, stays missing', async () => {
        await store.set('session', 'first', LONG);
        expect(await store.setIfPresent('session', 'second', LONG)).to.equal(true);
        expect(await store.get('session')).to.equal('second');
        expect(await store.setIfPresent('never-set', 'x', LONG)).to.equal(false);
        expect(await store.get('never-set')).to.equal(undefined);
        await twin.delete('session');
        expect(await store.setIfPresent('session', 'third', LONG), 'a deletion through another client wins').to.equal(false);
        expect(await store.get('session')).to.equal(undefined);
      });

      it('restarts the TTL with the one given, and does not bring back a value past its TTL', async () => {
        await store.set('session', 'first', TTL);
        await advance(TTL / 2);
        expect(await store.setIfPresent('session', 'second', TTL)).to.equal(true);
        await advance(TTL / 2 + 50); // past the first TTL, within the second
        expect(await store.get('session')).to.equal('second');
        await advance(LATE);
        expect(await store.setIfPresent('session', 'third', LONG)).to.equal(false);
        expect(await store.get('session')).to.equal(undefined);
      });

      it('refuses undefined and leaves the value as it was', async () => {
        await store.set('session', 'before', LONG);
        let failure: unknown;
        await store.setIfPresent('session', undefined, LONG).catch((err: unknown) => (failure = err));
        expect(failure).to.be.instanceOf(TypeError);
        expect(await store.get('session')).to.equal('before');
      });
    });

    describe('take', () => {
      it('gives the value once and then nothing, and the key is gone', async () => {
        await store.set('once', { id: 'x', list: [1] }, LONG);
        expect(await store.take('once')).to.deep.equal({ id: 'x', list: [1] });
        expect(await store.take('once')).to.equal(undefined);
        expect(await store.get('once')).to.equal(undefined);
        expect(await store.setIfAbsent('once', 'again', LONG)).to.equal(true);
      });

      it('gives nothing for a key never set', async () => {
        expect(await store.take('never-set')).to.equal(undefined);
      });

      it('gives nothing once the value has expired', async () => {
        await store.set('once', 'v', TTL);
        await advance(TTL + 50);
        expect(await store.take('once')).to.equal(undefined);
      });

      it('gives the value to exactly one of many concurrent takers', async () => {
        await store.set('once', 'v', LONG);
        const results = await Promise.all(Array.from({ length: 20 }, () => store.take('once')));
        expect(results.filter((r) => r === 'v')).to.have.length(1);
        expect(results.filter((r) => r === undefined)).to.have.length(19);
      });
    });

    describe('increment', () => {
      it('counts from 1, and get reads the count as a number', async () => {
        expect(await store.increment('n', LONG)).to.equal(1);
        expect(await store.increment('n', LONG)).to.equal(2);
        expect(await store.increment('n', LONG)).to.equal(3);
        expect(await store.get('n')).to.equal(3);
      });

      it('starts the window at the first increment and does not extend it with later ones', async () => {
        expect(await store.increment('n', TTL)).to.equal(1);
        await advance(TTL / 2);
        expect(await store.increment('n', TTL)).to.equal(2);
        await advance(TTL / 2 + 50); // past the first window; an extended one would still run
        expect(await store.get('n')).to.equal(undefined);
        expect(await store.increment('n', TTL)).to.equal(1);
      });

      it('counts each key on its own', async () => {
        await store.increment('a', LONG);
        await store.increment('a', LONG);
        expect(await store.increment('b', LONG)).to.equal(1);
        expect(await store.get('a')).to.equal(2);
      });

      it('counts every one of many concurrent increments exactly once', async () => {
        const counts = await Promise.all(Array.from({ length: 50 }, () => store.increment('n', LONG)));
        expect([...counts].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
        expect(await store.get('n')).to.equal(50);
      });

      it('starts again from 1 after the key was deleted', async () => {
        await store.increment('n', LONG);
        await store.increment('n', LONG);
        await store.delete('n');
        expect(await store.increment('n', LONG)).to.equal(1);
      });
    });

    describe('decrement', () => {
      it('takes one back from a counter, and the next increment counts on from there', async () => {
        await store.increment('n', LONG);
        await store.increment('n', LONG);
        await store.decrement('n');
        expect(await store.get('n')).to.equal(1);
        expect(await store.increment('n', LONG)).to.equal(2);
      });

      it('never goes below 0', async () => {
        await store.increment('n', LONG);
        await store.decrement('n');
        await store.decrement('n');
        expect(await store.get('n')).to.equal(0);
        expect(await store.increment('n', LONG)).to.equal(1);
      });

      it('leaves a missing key missing (no counter without a window)', async () => {
        await store.decrement('never');
        expect(await store.get('never')).to.equal(undefined);
        expect(await store.increment('never', TTL)).to.equal(1);
        await advance(TTL + 50);
        expect(await store.get('never')).to.equal(undefined);
      });

      it('keeps the counter\'s window: it still ends when the first increment said', async () => {
        await store.increment('n', TTL);
        await store.increment('n', TTL);
        await advance(EARLY);
        await store.decrement('n');
        expect(await store.get('n')).to.equal(1);
        await advance(LATE);
        expect(await store.get('n')).to.equal(undefined);
      });

      it('takes back exactly as many as were taken by many concurrent callers', async () => {
        await Promise.all(Array.from({ length: 30 }, () => store.increment('n', LONG)));
        await Promise.all(Array.from({ length: 20 }, () => store.decrement('n')));
        expect(await store.get('n')).to.equal(10);
      });
    });

    describe('lists: appendBounded, readList, takeList', () => {
      it('keeps appended values in order, oldest first, each as it was appended; a list never appended to is empty', async () => {
        const values = [{ id: 'a', n: 1 }, 'päss ✓ "quoted"', 0, null, ['x']];
        for (const value of values) await store.appendBounded('list', value, 10, LONG);
        expect(await store.readList('list')).to.deep.equal(values);
        expect(await store.readList('never-set')).to.deep.equal([]);
        expect(await store.takeList('never-set')).to.deep.equal([]);
      });

      it('keeps only the newest `max` values', async () => {
        for (let n = 1; n <= 5; n++) await store.appendBounded('list', n, 3, LONG);
        expect(await store.readList('list')).to.deep.equal([3, 4, 5]);
        await store.appendBounded('list', 6, 3, LONG);
        expect(await store.readList('list')).to.deep.equal([4, 5, 6]);
      });

      it('forgets the list once its TTL has passed, and every append starts the TTL again', async () => {
        await store.appendBounded('list', 'a', 10, TTL);
        await advance(TTL / 2);
        await store.appendBounded('list', 'b', 10, TTL);
        await advance(TTL / 2 + 50); // past the first append's TTL, within the second's
        expect(await store.readList('list')).to.deep.equal(['a', 'b']);
        await advance(LATE);
        expect(await store.readList('list')).to.deep.equal([]);
        expect(await store.keys('list', 10)).to.deep.equal([]);
      });

      it('takeList gives the list and removes it: a second take gets nothing, the next append starts a new list', async () => {
        await store.appendBounded('list', 'a', 10, LONG);
        await store.appendBounded('list', 'b', 10, LONG);
        expect(await store.takeList('list')).to.deep.equal(['a', 'b']);
        expect(await store.takeList('list')).to.deep.equal([]);
        expect(await store.readList('list')).to.deep.equal([]);
        await store.appendBounded('list', 'c', 10, LONG);
        expect(await store.readList('list')).to.deep.equal(['c']);
      });

      it('delete removes a list too', async () => {
        await store.appendBounded('list', 'a', 10, LONG);
        await store.delete('list');
        expect(await store.readList('list')).to.deep.equal([]);
      });

      it('keeps every one of many appends made at once through two clients', async () => {
        const appended = Array.from({ length: 40 }, (_, i) => `v${i}`);
        await Promise.all(appended.map((value, i) => (i % 2 ? twin : store).appendBounded('list', value, 100, LONG)));
        expect(await store.readList('list')).to.have.members(appended);
        expect(await twin.readList('list')).to.have.length(40);
      });

      it('of appends through one client and takes through the other at the same time, every value is taken or left exactly once', async () => {
        const appended = Array.from({ length: 40 }, (_, i) => `v${i}`);
        const taken: string[][] = [];
        await Promise.all(appended.flatMap((value, i) => [
          twin.appendBounded('list', value, 100, LONG),
          ...(i % 4 === 0 ? [store.takeList<string>('list').then((values) => void taken.push(values))] : []),
        ]));
        const seen = [...taken.flat(), ...(await store.readList<string>('list'))];
        expect(seen).to.have.members(appended);
        expect(seen).to.have.length(appended.length);
      });

      it('a key holds a list or a value, never both: each is refused where the other is asked for, and stays as it was', async () => {
        await store.set('value', 'v', LONG);
        await store.appendBounded('list', 'a', 10, LONG);
        const refused = (operation: () => Promise<unknown>) => operation().then(() => false, () => true);
        expect(await refused(() => store.appendBounded('value', 'b', 10, LONG)), 'append to a value').to.equal(true);
        expect(await refused(() => store.readList('value')), 'readList of a value').to.equal(true);
        expect(await refused(() => store.get('list')), 'get of a list').to.equal(true);
        expect(await store.get('value')).to.equal('v');
        expect(await store.readList('list')).to.deep.equal(['a']);
      });

      it('refuses a bound below one or not whole, and undefined, and stores nothing', async () => {
        for (const max of [0, -1, 1.5, Number.NaN]) {
          const failure = await store.appendBounded('list', 'a', max, LONG).then(() => undefined, (err: unknown) => err);
          expect(failure, String(max)).to.be.instanceOf(RangeError);
        }
        const failure = await store.appendBounded('list', undefined, 10, LONG).then(() => undefined, (err: unknown) => err);
        expect(failure).to.be.instanceOf(TypeError);
        expect(await store.readList('list')).to.deep.equal([]);
      });
    });

    describe('keys', () => {
      it('finds the live keys under a prefix, and only those, up to the number asked', async () => {
        await store.set('login:a', 1, LONG);
        await store.set('login:b', 2, LONG);
        await store.set('login:c', 3, TTL);
        await store.set('logins', 4, LONG);
        await store.set('lock:a', 5, LONG);
        await advance(EARLY + LATE);
        expect((await store.keys('login:', 10)).sort()).to.deep.equal(['login:a', 'login:b']);
        expect(await store.keys('login:', 1)).to.have.length(1);
        expect(await store.keys('nothing:', 10)).to.deep.equal([]);
      });

      it('takes a prefix literally: glob characters in it match only themselves', async () => {
        await store.set('a*:1', 1, LONG);
        await store.set('ab:1', 2, LONG);
        await store.set('a?[x]:1', 3, LONG);
        expect(await store.keys('a*:', 10)).to.deep.equal(['a*:1']);
        expect(await store.keys('a?[x]:', 10)).to.deep.equal(['a?[x]:1']);
      });
    });
  });
}
