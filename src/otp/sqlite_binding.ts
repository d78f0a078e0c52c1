import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/**
 * better-sqlite3 as the running Node.js can use it. 12.x wraps its objects in node::ObjectWrap,
 * and Node.js 24.19 and later abort the process (`Assertion failed: (env) != nullptr`) when a
 * statement is garbage-collected outside JavaScript, as an idle collection does; 13.x is built on
 * Node-API and does not, but needs Node.js 22 and crashes on 20. Both are installed, 13.x under
 * the name better-sqlite3-napi, with the same API; this loads the one that is safe here.
 */
const require = createRequire(import.meta.url);
const major = Number(process.versions.node.split('.')[0]);

export const SQLITE_BINDING = major >= 22 ? 'better-sqlite3-napi' : 'better-sqlite3';
export const Database = require(SQLITE_BINDING) as typeof BetterSqlite3;
export type Database = BetterSqlite3.Database;
