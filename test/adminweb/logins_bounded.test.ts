import { expect } from 'chai';
import { MAX_LOGINS_COUNTED, MAX_LOGINS_LISTED } from '../../src/admin/actions.js';
import { LoginRecords, type LoginRecord } from '../../src/login/record.js';
import type { MemoryStore } from '../../src/state/memory_store.js';
import type { Store } from '../../src/state/store.js';
import type { TestBrowser } from '../helpers/browser.js';
import { signedIn, startAdmin, type AdminUnderTest } from './helpers.js';

// /admin's lists of the sign-ins waiting (/admin/logins and a user's page) with many waiting:
// 50 a page, newest first, with how many there are and links to the other pages; and however
// many wait, the store is read within bounds (keys counted up to MAX_LOGINS_COUNTED, records
// read up to MAX_LOGINS_LISTED).

/** The store's reads that /admin's lists make: the keys walked for, and the login records read. */
class StoreReads {
  keysAsked: number[] = [];
  recordsRead = 0;
  wrap(store: MemoryStore): Store {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        if (property === 'keys') {
          return (prefix: string, max: number) => {
            if (prefix === 'login:') this.keysAsked.push(max);
            return target.keys(prefix, max);
          };
        }
        if (property === 'get') {
          return <T>(key: string) => {
            if (key.startsWith('login:')) this.recordsRead += 1;
            return target.get<T>(key);
          };
        }
        return Reflect.get(target, property, receiver) as unknown;
      },
    });
  }
}

/** `count` logins waiting, login i of user `userOf(i)`, each a second younger than the one before: the last is the newest. */
async function seedWaiting(admin: AdminUnderTest, count: number, userOf: (i: number) => string): Promise<void> {
  const now = admin.clock.now();
  const records = new LoginRecords(admin.store, () => now);
  for (let i = 0; i < count; i++) {
    const user = userOf(i);
    const record: LoginRecord = {
      id: `seeded-login-${i}`, state: 'started', username: user, realm: '', gatewayName: user, sealedPassword: 'sealed', clientIp: '192.0.2.10',
      provider: 'anakam', providerState: {}, open: { kind: 'form', factor: 'second' }, path: 'none', device: { presented: false, accepted: false },
      choice: 'anakam', csrf: `csrf-${i}`, wrongAnswers: 0, resends: 0, createdAt: now - (count - i) * 1000, deadline: now + 10 * 60_000,
    };
    await records.save(record, 'awaiting_answer');
  }
}

/** The users of the rows listed, in order. */
const rowsOf = (page: string): string[] => [...page.matchAll(/<td><a href="\/admin\/users\/[^"]+">([^<]+)<\/a><\/td>/g)].map((m) => m[1]!);
const endButtons = (page: string): number => page.split('End this sign-in<span').length - 1;
const users = (from: number, to: number): string[] => Array.from({ length: from - to + 1 }, (_, k) => `user${from - k}`);

describe('/admin lists the sign-ins waiting a page at a time, and reads the store within bounds', function () {
  this.timeout(60_000);
  let admin: AdminUnderTest;
  let reads: StoreReads;
  let browser: TestBrowser;
  beforeEach(async () => {
    reads = new StoreReads();
    admin = await startAdmin({}, { wrapStore: (store) => reads.wrap(store) });
    ({ browser } = await signedIn(admin));
  });
  afterEach(() => admin.close());

  it('/admin/logins: 50 a page, newest first, saying how many of how many, with the next and previous pages linked', async () => {
    await seedWaiting(admin, 120, (i) => `user${i}`);
    const first = await browser.get('/admin/logins');
    expect(first.status).to.equal(200);
    expect(rowsOf(first.body)).to.deep.equal(users(119, 70));
    expect(endButtons(first.body)).to.equal(50);
    expect(first.body).to.contain('Showing 1–50 of 120, newest first.').and.contain('Page 1 of 3');
    expect(first.body).to.contain('<a href="/admin/logins?page=2" rel="next">Older</a>').and.not.contain('rel="prev"');
    expect(first.body, 'the search, to narrow the list to one user').to.contain('role="search"');

    const second = await browser.get('/admin/logins?page=2');
    expect(rowsOf(second.body)).to.deep.equal(users(69, 20));
    expect(second.body).to.contain('Showing 51–100 of 120, newest first.')
      .and.contain('<a href="/admin/logins?page=1" rel="prev">Newer</a>').and.contain('<a href="/admin/logins?page=3" rel="next">Older</a>');
    const last = await browser.get('/admin/logins?page=3');
    expect(rowsOf(last.body)).to.deep.equal(users(19, 0));
    expect(last.body).to.contain('Showing 101–120 of 120, newest first.').and.contain('Page 3 of 3').and.not.contain('rel="next"');
    // A page past the last, once the list has shrunk since the link was made: the last page.
    expect(rowsOf((await browser.get('/admin/logins?page=9')).body)).to.deep.equal(users(19, 0));
  });

  it('refuses a page number that is not one from 1 to the pages the records read can fill, with the page that says what to do', async () => {
    await seedWaiting(admin, 3, (i) => `user${i}`);
    for (const page of ['0', '-1', '21', '1000', 'x', '1.5', '01', '%201', '9'.repeat(400)]) {
      const reply = await browser.get(`/admin/logins?page=${page}`);
      expect(reply.status, page).to.equal(404);
      expect(reply.body, page).to.contain('There is nothing here').and.not.contain('End this sign-in');
    }
    expect((await browser.get('/admin/logins?page=1&page=2')).status, 'a page named twice').to.equal(404);
    expect(admin.h.logs.lines.filter((l) => l.event === 'admin_refused' && l.code === 'not_found')).to.have.length(10);
    // The list with few waiting has one page, no links to others, and no search above it.
    const one = await browser.get('/admin/logins?page=20');
    expect(one.status).to.equal(200);
    expect(one.body).to.contain('3 waiting, newest first.').and.not.contain('Page 1 of').and.not.contain('role="search"');
  });

  it('with more waiting than are read, counts them by key, reads at most MAX_LOGINS_LISTED records, and says so', async () => {
    const waiting = 2 * MAX_LOGINS_LISTED + 345;
    await seedWaiting(admin, waiting, (i) => `user${i}`);
    reads.recordsRead = 0;
    reads.keysAsked = [];
    const page = await browser.get('/admin/logins');
    expect(page.status).to.equal(200);
    expect(endButtons(page.body)).to.equal(50);
    expect(reads.recordsRead, 'records read').to.equal(MAX_LOGINS_LISTED);
    expect(reads.keysAsked).to.deep.equal([MAX_LOGINS_COUNTED]);
    expect(page.body).to.contain('2,345 sign-ins are waiting, too many to read at once: these are the newest of the 1,000 the store gave first.')
      .and.contain('Showing 1–50 of 1,000, newest first.').and.contain('Page 1 of 20').and.contain('role="search"');
  });

  it('with more waiting than are counted, says "10,000 or more" and still reads no more', async () => {
    await seedWaiting(admin, MAX_LOGINS_COUNTED + 50, (i) => `user${i}`);
    reads.recordsRead = 0;
    const page = await browser.get('/admin/logins?page=20');
    expect(reads.recordsRead, 'records read').to.equal(MAX_LOGINS_LISTED);
    expect(page.body).to.contain('10,000 or more sign-ins are waiting').and.contain('Showing 951–1,000 of 1,000, newest first.');
    expect(endButtons(page.body)).to.equal(50);
  });

  it('a user\'s page: the user\'s own sign-ins waiting, 50 a page, newest first, the other pages linked to the list on the page', async () => {
    // bob's are the even ones, 60 of them; carol has the odd ones.
    await seedWaiting(admin, 120, (i) => (i % 2 === 0 ? 'bob' : 'carol'));
    const page = await browser.get('/admin/users/bob');
    expect(page.status).to.equal(200);
    expect(endButtons(page.body)).to.equal(50);
    expect(rowsOf(page.body).every((user) => user === 'bob')).to.equal(true);
    expect(page.body).to.contain('<h2 id="waiting">Sign-ins waiting now</h2>').and.contain('Showing 1–50 of 60, newest first.')
      .and.contain('<a href="/admin/users/bob?page=2#waiting" rel="next">Older</a>');
    const ages = [...page.body.matchAll(/<td data-label="Waiting">(\d+) s<\/td>/g)].map((m) => Number(m[1]));
    expect(ages[0]).to.equal(2);
    expect(ages).to.deep.equal([...ages].sort((a, b) => a - b));
    const second = await browser.get('/admin/users/bob?page=2');
    expect(endButtons(second.body)).to.equal(10);
    expect(second.body).to.contain('Showing 51–60 of 60, newest first.').and.contain('<a href="/admin/users/bob?page=1#waiting" rel="prev">Newer</a>');
    expect((await browser.get('/admin/users/bob?page=x')).status).to.equal(404);
  });

  it('a user\'s page with more waiting than are read says the user may have more', async () => {
    await seedWaiting(admin, MAX_LOGINS_LISTED + 200, (i) => (i % 10 === 0 ? 'bob' : `user${i}`));
    reads.recordsRead = 0;
    const page = await browser.get('/admin/users/bob');
    expect(reads.recordsRead).to.equal(MAX_LOGINS_LISTED);
    expect(page.body).to.contain('Only 1,000 of the 1,200 sign-ins waiting were read: this user may have more waiting than are listed here.');
  });
});
