import { randomBytes } from 'node:crypto';
import Bowser from 'bowser';
import type { Store } from '../state/store.js';

// The server-side list of remembered browsers: every DeviceKey cookie factorgate issues carries
// an id recorded here, and a cookie counts only while its id is listed. So an administrator can
// revoke one (a stolen laptop) before it expires, and the user is asked for a code at once.
//
//   browser:ID     the record (user, issued, expires, client address, user agent summary);
//                  deleting it is the revocation, and no later write brings it back
//   browsers:USER  the user's ids, oldest first, at most maxPerUser (the oldest dropped)
//
// A cookie holds only while both say so: its record exists for that user and its id is in the
// user's list. Two writes of the list at the same moment may lose an id; that browser is then
// refused (asked for a code), never let in unlisted.

export type RememberedBrowser = {
  id: string;
  user: string;
  issuedAt: number;
  expiresAt: number;
  clientIp: string;
  /** "Firefox 128 on Linux": enough to recognise a browser, not the raw header. */
  userAgent: string;
};

type Listed = { id: string; expiresAt: number };

// Hex, so an id never starts with '-' and is never read as an option on the admin command line.
const ID = /^[0-9a-f]{32}$/;
const recordKey = (id: string) => `browser:${id}`;
const listKey = (user: string) => `browsers:${user}`;

export class RememberedBrowsers {
  constructor(private readonly store: Store, private readonly options: { maxPerUser: number; now: () => number }) {}

  /** Records a browser the user asked to remember; the id goes into its cookie. */
  async issue(user: string, client: { ip: string; userAgent?: string }, expiresAt: number): Promise<string> {
    const now = this.options.now();
    const id = randomBytes(16).toString('hex');
    const record: RememberedBrowser = { id, user, issuedAt: now, expiresAt, clientIp: client.ip.slice(0, 64), userAgent: summariseUserAgent(client.userAgent) };
    await this.store.set(recordKey(id), record, expiresAt - now);
    const listed = [...(await this.listed(user, now)), { id, expiresAt }];
    const dropped = listed.splice(0, Math.max(0, listed.length - this.options.maxPerUser));
    await Promise.all(dropped.map((old) => this.store.delete(recordKey(old.id))));
    await this.saveList(user, listed, now);
    return id;
  }

  /** True only while the id is listed for this user and not expired. */
  async holds(user: string, id: string | undefined): Promise<boolean> {
    if (id === undefined || !ID.test(id)) return false;
    const now = this.options.now();
    const record = await this.store.get<RememberedBrowser>(recordKey(id));
    if (!record || record.user !== user || record.expiresAt <= now) return false;
    return (await this.listed(user, now)).some((entry) => entry.id === id);
  }

  /** The user's remembered browsers, oldest first. */
  async list(user: string): Promise<RememberedBrowser[]> {
    const now = this.options.now();
    const records = await Promise.all((await this.listed(user, now)).map((entry) => this.store.get<RememberedBrowser>(recordKey(entry.id))));
    return records.filter((record): record is RememberedBrowser => record !== undefined && record.user === user && record.expiresAt > now);
  }

  /** Revokes one of the user's browsers; false when the user has no such browser. */
  async revoke(user: string, id: string): Promise<boolean> {
    if (!ID.test(id)) return false;
    const record = await this.store.get<RememberedBrowser>(recordKey(id));
    if (!record || record.user !== user) return false;
    await this.store.delete(recordKey(id));
    const now = this.options.now();
    await this.saveList(user, (await this.listed(user, now)).filter((entry) => entry.id !== id), now);
    return true;
  }

  /** Revokes every browser of the user; how many were listed. */
  async revokeAll(user: string): Promise<number> {
    const listed = await this.listed(user, this.options.now());
    await Promise.all(listed.map((entry) => this.store.delete(recordKey(entry.id))));
    await this.store.delete(listKey(user));
    return listed.length;
  }

  private async listed(user: string, now: number): Promise<Listed[]> {
    const list = await this.store.get<Listed[]>(listKey(user));
    return Array.isArray(list) ? list.filter((entry) => entry.expiresAt > now) : [];
  }

  private async saveList(user: string, listed: Listed[], now: number): Promise<void> {
    if (listed.length === 0) return this.store.delete(listKey(user));
    const lastExpiry = Math.max(...listed.map((entry) => entry.expiresAt));
    await this.store.set(listKey(user), listed, lastExpiry - now);
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
