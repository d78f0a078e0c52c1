import { Client, InvalidCredentialsError, type Entry } from 'ldapts';
import { escapeDnValue, escapeFilterValue } from './escape.js';
import { systemClock, type Clock } from '../clock.js';
import type { LdapConfig } from './config.js';
import { ldapTls, type LdapTls } from './tls.js';

// The first factor checked by an LDAP bind, with one outcome per check: a wrong password, an unknown user and a
// refused name all end in the same `fail` (no user enumeration); trouble with the directory
// (down, slow, TLS or StartTLS refused, a search that is not exactly one entry) is thrown as LdapUnavailableError.

export type FirstFactorOutcome =
  /** account: the user's name as the directory keeps it (ldap.accountAttribute), which becomes their key. */
  | { outcome: 'success'; dn: string; account: string; groups: string[] }
  | { outcome: 'fail'; reason: 'invalid_credentials' };

/** The entry for errorCatalog (src/errors.ts) that LdapUnavailableError is meant to map to. */
export const directoryUnavailableCatalogEntry = {
  directory_unavailable: { status: 503, message: 'The directory that checks passwords is not answering right now. Try again in a few minutes.' },
} as const;

/** Where the check stopped; `timeout`: timeoutMs or the login deadline ran out first. */
export type LdapStep = 'timeout' | 'start_tls' | 'service_bind' | 'search' | 'user_bind' | 'read_groups' | 'read_account';

/** The directory could not give an answer. `detail` and `extra` are for the log; never a password. */
export class LdapUnavailableError extends Error {
  readonly code = 'directory_unavailable' as const;
  constructor(readonly detail: string, readonly extra: { step: LdapStep } & Record<string, unknown>) {
    super(detail);
    this.name = 'LdapUnavailableError';
  }
}

const FAIL = { outcome: 'fail', reason: 'invalid_credentials' } as const;
const PLACEHOLDER = '{username}';

// Inserted with a function so `$&`, `$'` and the like in a user name stay literal.
const fill = (template: string, value: string) => template.replaceAll(PLACEHOLDER, () => value);

type Attempt = { over: boolean };

export class LdapFirstFactor {
  private readonly url: string;
  private readonly tls: LdapTls;

  constructor(private readonly config: LdapConfig, private readonly clock: Clock = systemClock) {
    if (!config.url) throw new Error('ldap.url is required');
    this.url = config.url;
    this.tls = ldapTls(config.url, config.tls);
  }

  /** Checks the password by binding as the user; `deadline` (epoch ms) is the whole login's. */
  async verify(username: unknown, password: unknown, deadline?: number): Promise<FirstFactorOutcome> {
    // RFC 4513 §5.1.2: a bind with a name and an empty password is an unauthenticated bind, which
    // servers may answer with success. Refused here, before any connection. So are non-strings,
    // control characters in the name (NUL truncates in C code) and NUL in the password.
    if (typeof username !== 'string' || username === '' || /\p{Cc}/u.test(username)) return FAIL;
    if (typeof password !== 'string' || password === '' || password.includes('\0')) return FAIL;

    const budget = Math.min(this.config.timeoutMs, (deadline ?? Infinity) - this.clock.now());
    if (!(budget > 0)) throw new LdapUnavailableError('the login deadline passed before the directory was asked', { step: 'timeout', ms: budget });
    const client = new Client({ url: this.url, timeout: budget, connectTimeout: budget, ...(this.tls.connect ? { tlsOptions: this.tls.connect } : {}) });
    const attempt: Attempt = { over: false };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LdapUnavailableError(`no answer from the directory within ${budget} ms`, { step: 'timeout', ms: budget })), budget);
    });
    try {
      return await Promise.race([this.check(client, attempt, username, password), timedOut]);
    } finally {
      attempt.over = true; // a step still under way must not start another operation
      clearTimeout(timer);
      await client.unbind().catch(() => undefined);
    }
  }

  private async check(client: Client, attempt: Attempt, username: string, password: string): Promise<FirstFactorOutcome> {
    const { config } = this;
    let dn: string;
    let entry: Entry | undefined;
    // Before any bind, so neither password crosses the network in clear; any failure is fail-closed.
    const startTls = this.tls.startTls;
    if (startTls) await step(attempt, 'start_tls', () => client.startTLS({ ...startTls }));
    if (config.userDnTemplate) {
      dn = fill(config.userDnTemplate, escapeDnValue(username));
    } else {
      await step(attempt, 'service_bind', () => client.bind(config.bindDn!, config.bindPassword));
      const filter = fill(config.searchFilter!, escapeFilterValue(username));
      // Two are enough to know the answer is not exactly one.
      const { searchEntries } = await step(attempt, 'search', () =>
        client.search(config.searchBase!, { scope: 'sub', filter, attributes: this.attributes(), sizeLimit: 2 }));
      if (searchEntries.length === 0) return FAIL; // same answer as a wrong password
      if (searchEntries.length > 1) throw new LdapUnavailableError('the user search found more than one entry', { step: 'search' });
      entry = searchEntries[0]!;
      dn = entry.dn;
    }
    if (dn === '') throw new LdapUnavailableError('the user search gave an empty DN', { step: 'search' });

    const bound = await step(attempt, 'user_bind', () => client.bind(dn, password).then(
      () => true,
      (err: unknown) => { if (err instanceof InvalidCredentialsError) return false; throw err; },
    ));
    if (!bound) return FAIL;
    entry ??= await this.ownEntry(client, attempt, dn);
    // The directory's own name for the user: the key every later decision uses. Without it, no guess.
    const account = valuesOf(entry, config.accountAttribute)[0];
    if (!account) throw new LdapUnavailableError(`the user's entry has no ${config.accountAttribute} (ldap.accountAttribute)`, { step: 'read_account' });
    return { outcome: 'success', dn, account, groups: valuesOf(entry, config.groupAttribute) };
  }

  private attributes(): string[] {
    return [this.config.groupAttribute, this.config.accountAttribute];
  }

  /** Direct bind: the user reads their own entry's group and account attributes. */
  private async ownEntry(client: Client, attempt: Attempt, dn: string): Promise<Entry> {
    const { searchEntries } = await step(attempt, 'read_groups', () =>
      client.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes: this.attributes() }));
    if (searchEntries.length !== 1) throw new LdapUnavailableError('the user\'s own entry could not be read', { step: 'read_groups' });
    return searchEntries[0]!;
  }
}

/** Runs one LDAP operation; any error becomes LdapUnavailableError naming the step. */
async function step<T>(attempt: Attempt, name: LdapStep, run: () => Promise<T>): Promise<T> {
  if (attempt.over) throw new LdapUnavailableError('the check already ended', { step: name });
  try {
    return await run();
  } catch (err) {
    if (err instanceof LdapUnavailableError) throw err;
    const e = err instanceof Error ? err : new Error(String(err));
    // ldapts messages carry the server's diagnostic text or a socket error, never the bind password.
    const ldapCode = (e as { code?: unknown }).code;
    throw new LdapUnavailableError(`${name} failed: ${e.name}: ${e.message.split('\n')[0]!.slice(0, 200)}`, { step: name, error: e.name, ...(ldapCode === undefined ? {} : { ldapCode }) });
  }
}

/** The values of an attribute, found whatever the case of its name. */
function valuesOf(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined || key === 'dn' ? [] : entry[key];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map((v) => v.toString());
}
