import { expect } from 'chai';
import { createRequire } from 'node:module';
import { Database, SQLITE_BINDING } from '../../src/otp/sqlite_binding.js';

// better-sqlite3 12.x aborts Node.js 24 when a statement is collected outside JavaScript (an idle
// garbage collection); 13.x does not, but crashes Node.js 20. CI runs the suite on both.

const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

describe('SQLite binding: the better-sqlite3 this Node.js can run', () => {
  it(`on Node.js ${major}, loads better-sqlite3 ${major >= 22 ? '13 (Node-API)' : '12'}`, () => {
    const { version } = require(`${SQLITE_BINDING}/package.json`) as { version: string };
    expect(Number(version.split('.')[0])).to.equal(major >= 22 ? 13 : 12);
  });

  it('opens, writes and reads a database, and reports SQLite errors as its SqliteError', () => {
    const db = new Database(':memory:');
    try {
      db.exec('CREATE TABLE t (v TEXT NOT NULL) STRICT');
      db.prepare('INSERT INTO t (v) VALUES (?)').run('x');
      expect(db.prepare('SELECT v FROM t').all()).to.deep.equal([{ v: 'x' }]);
      expect(() => db.prepare('INSERT INTO t (v) VALUES (NULL)').run()).to.throw(Database.SqliteError).with.property('code', 'SQLITE_CONSTRAINT_NOTNULL');
    } finally {
      db.close();
    }
  });
});
