import Database from 'better-sqlite3';

// Another process on a device file (sqlite_device_store.test.ts): takes SQLite's write lock with
// BEGIN IMMEDIATE, says "locked", and holds it until it is killed.
const db = new Database(process.argv[2]!, { timeout: 0 });
db.exec('BEGIN IMMEDIATE');
process.stdout.write('locked\n');
setInterval(() => undefined, 60_000);
