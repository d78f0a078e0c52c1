import { randomBytes } from 'node:crypto';
import Bowser from 'bowser';
import type { Store } from '../state/store.js';

// The server-side list of remembered browsers: every DeviceKey cookie factorgate issues carries
// an id recorded here, and a cookie counts only while its id is listed. So an administrator can
// revoke one (a stolen laptop) before it expires, and the user is asked for a code at once.
//
//   browser:ID         the record (user, issued, expires, client address, user agent summary);
//                      deleting it is the revocation, and no later write brings it back
//   browser-ids:USER   a store list of the user's ids, oldest first, at most maxPerUser (the
//                      oldest dropped, and its record deleted); each change is one store step,
//                      so issues and revocations at once on several instances lose no id (the
//                      key's name changed with its type: the value `browsers:USER` an earlier
//                      version kept is never read as one)
//
// A cookie holds only while both say so: its record exists for that user, unexpired, and its id
// is in the user's list.

export type RememberedBrowser = {
  id: string;
  user: string;
  issuedAt: number;
  expiresAt: number;
  clientIp: string;
  /** "Firefox 128 on Linux": enough to recognise a browser, not the raw header. */
  userAgent: string;
};

// Hex, so an id never starts with '-' and is never read as an option on the admin command line.
const ID = /^[0-9a-f]{32}$/;
const recordKey = (id: string) => `browser:${id}`;
const listKey = (user: string) => `browser-ids:${user}`;

export class RememberedBrowsers {
  constructor(private readonly store: Store, private readonly options: { maxPerUser: number; now: () => number }) {}

  /** Records a browser the user asked to remember; the id goes into its cookie. */
  async issue(user: string, client: { ip: string; userAgent?: string }, expiresAt: number): Promise<string> {
    const now = this.options.now();
    const id = randomBytes(16).toString('hex');
    const record: RememberedBrowser = { id, user, issuedAt: now, expiresAt, clientIp: client.ip.slice(0, 64), userAgent: summariseUserAgent(client.userAgent) };
    await this.store.set(recordKey(id), record, expiresAt - now);
    // Every browser is remembered as long, so the newest one's expiry is the list's. A dropped
    // id holds nothing once unlisted; its record goes with it, so no revoked browser's address
    // and summary outlive it. The store says which it dropped, in the same step as the drop.
    const dropped = await this.store.appendBounded<string>(listKey(user), id, this.options.maxPerUser, expiresAt - now);
    await Promise.all(dropped.filter((old) => ID.test(old)).map((old) => this.store.delete(recordKey(old))));
    return id;
  }

  /** True only while the id is listed for this user and not expired. */
  async holds(user: string, id: string | undefined): Promise<boolean> {
    if (id === undefined || !ID.test(id)) return false;
    const record = await this.store.get<RememberedBrowser>(recordKey(id));
    if (!this.isLive(record, user)) return false;
    return (await this.store.readList<string>(listKey(user))).includes(id);
  }

  /** The user's remembered browsers, oldest first. */
  async list(user: string): Promise<RememberedBrowser[]> {
    const ids = await this.store.readList<string>(listKey(user));
    const records = await Promise.all(ids.map((id) => this.store.get<RememberedBrowser>(recordKey(id))));
    return records.filter((record): record is RememberedBrowser => this.isLive(record, user));
  }

  /** Revokes one of the user's browsers; false when the user has no such browser. */
  async revoke(user: string, id: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    const record = await this.store.get<RememberedBrowser>(recordKey(id));
    if (!record || record.user !== user) return false;
    await this.store.delete(recordKey(id));
    await this.store.removeFromList(listKey(user), id);
    return true;
  }

  /** Revokes every browser of the user; how many were listed (unexpired). A browser issued meanwhile is either revoked or left listed, never half. */
  async revokeAll(user: string): Promise<number> {
    const ids = await this.store.takeList<string>(listKey(user));
    const records = await Promise.all(ids.map((id) => this.store.get<RememberedBrowser>(recordKey(id))));
    await Promise.all(ids.map((id) => this.store.delete(recordKey(id))));
    return records.filter((record) => this.isLive(record, user)).length;
  }

  /** A record that exists, is the user's and has not expired. */
  private isLive(record: RememberedBrowser | undefined, user: string): record is RememberedBrowser {
    return record !== undefined && record.user === user && record.expiresAt > this.options.now();
  }
}

/** "Chrome 126 on Windows" from a User-Agent header (bowser reads it); "unknown browser" when it says nothing usable. */
export function summariseUserAgent(userAgent: string | undefined): string {
  if (!userAgent) return 'unknown browser';
  const parsed = Bowser.parse(userAgent.slice(0, 512));
  const major = parsed.browser.version?.split('.')[0];
  const browser = [parsed.browser.name, major].filter(Boolean).join(' ');
  const os = parsed.os.name;
  const summary = browser ? (os ? `${browser} on ${os}` : browser) : (os ? `a browser on ${os}` : 'unknown browser');
  // The header is the client's to write: only printable ASCII reaches a log line or a terminal.
  return summary.replace(/[^\x20-\x7e]/g, '?').slice(0, 80);
}
