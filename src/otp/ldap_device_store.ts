import type { ConnectionOptions } from 'node:tls';
import { Attribute, Change, Client, NoSuchAttributeError, NoSuchObjectError, type Entry } from 'ldapts';
import { systemClock, type Clock } from '../clock.js';
import { escapeDnValue, escapeFilterValue } from '../ldap/escape.js';
import {
  DeviceStoreError, checkDeviceName, checkNewDevice, checkStep,
  type DeviceStore, type NewOtpDevice, type OtpDevice,
} from './device_store.js';
import { decodeDevice, encodeDevice } from './ldap_device_value.js';

// Devices as values of one attribute of the user's own entry, as NetScaler keeps them in
// `userParameters`: one value per device (ldap_device_value.ts), written by a service account.
// Every change is one modify that deletes the value as it was read and adds the new one: the
// directory applies both or neither, and if another writer changed the value in between, the
// delete finds nothing (noSuchAttribute) and the whole modify fails. The change is then read and
// tried again, so no update is lost and a TOTP step can be recorded once only.

const PLACEHOLDER = '{username}';
/** Enough for every instance of a cluster racing on one device. */
const MAX_ATTEMPTS = 8;

export type LdapDeviceStoreOptions = {
  url: string;
  /** The service account that reads and writes the attribute (it needs write access to it). */
  bindDn: string;
  bindPassword: string;
  /**
   * The attribute holding the devices: multi-valued, a string syntax with an EQUALITY rule (a
   * value is deleted by value). Default `description`, on every person entry in the standard
   * schemas; a site with its own schema or Active Directory's multi-valued string attributes
   * may choose another.
   */
  attribute?: string;
  /** The user's entry: either a DN template (`uid={username},ou=people,...`) or a search. */
  userDnTemplate?: string;
  searchBase?: string;
  searchFilter?: string;
  /** The whole of one store operation: connect, StartTLS, bind, reads and writes (default 5000 ms). */
  timeoutMs?: number;
  /** For ldaps:// only (ldapts speaks TLS to an ldap:// URL too when it is given any tlsOptions). */
  tlsOptions?: ConnectionOptions;
  /** For ldap:// only: upgrade with StartTLS before the bind; a refusal or a bad certificate fails the operation. */
  startTlsOptions?: ConnectionOptions;
  clock?: Clock;
};

type Found = { dn: string; devices: { raw: string; device: OtpDevice }[] };

export class LdapDeviceStore implements DeviceStore {
  readonly attribute: string;
  private readonly clock: Clock;
  private closed = false;

  constructor(private readonly options: LdapDeviceStoreOptions) {
    this.attribute = options.attribute ?? 'description';
    if (!/^[A-Za-z][A-Za-z0-9-]{0,63}$/.test(this.attribute)) throw new RangeError('the device attribute must be an attribute name');
    const { userDnTemplate: template, searchBase, searchFilter } = options;
    if (template !== undefined ? template.split(PLACEHOLDER).length !== 2 : !(searchBase && searchFilter?.includes(PLACEHOLDER))) {
      throw new RangeError(`set userDnTemplate (with ${PLACEHOLDER} once) or searchBase and searchFilter (with ${PLACEHOLDER})`);
    }
    this.clock = options.clock ?? systemClock;
  }

  async list(user: string): Promise<OtpDevice[]> {
    const found = await this.session('list', (ldap) => this.find(ldap, user));
    return (found?.devices ?? []).map((d) => d.device).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
  }

  async get(user: string, id: string): Promise<OtpDevice | undefined> {
    return (await this.list(user)).find((d) => d.id === id);
  }

  async add(user: string, device: NewOtpDevice): Promise<OtpDevice> {
    checkNewDevice(user, device);
    const added: OtpDevice = { id: device.id, user, name: checkDeviceName(device.name), createdAt: this.clock.now(), active: device.active ?? false, sealedSecret: device.sealedSecret };
    await this.session('add', async (ldap) => {
      const found = await this.find(ldap, user);
      if (!found) throw new DeviceStoreError('add', 'the user has no directory entry');
      await ldap.modify(found.dn, [this.change('add', encodeDevice(added))]);
    });
    return added;
  }

  async activate(user: string, id: string): Promise<boolean> {
    return this.update('activate', user, id, (d) => ({ ...d, active: true }));
  }

  async rename(user: string, id: string, name: string): Promise<boolean> {
    const checked = checkDeviceName(name);
    return this.update('rename', user, id, (d) => ({ ...d, name: checked }));
  }

  async remove(user: string, id: string): Promise<boolean> {
    return this.update('remove', user, id, () => null);
  }

  async recordUse(user: string, id: string, step: number, at: number): Promise<boolean> {
    checkStep(step, at);
    // RFC 6238 §5.2, ASVS 2.8.4: a step at or before the last one recorded is never recorded again.
    return this.update('recordUse', user, id, (d) => (d.lastStep !== undefined && d.lastStep >= step ? undefined : { ...d, lastStep: step, lastUsedAt: at }));
  }

  async close(): Promise<void> {
    this.closed = true; // a connection lives only as long as one operation: nothing else to close
  }

  /**
   * Compare-and-set of one device's value. `change` gives the new device, null to delete it, or
   * undefined to change nothing (then false). False too when the user or the device is not there.
   */
  private update(operation: string, user: string, id: string, change: (d: OtpDevice) => OtpDevice | null | undefined): Promise<boolean> {
    return this.session(operation, async (ldap) => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
        const found = await this.find(ldap, user);
        const current = found?.devices.find((d) => d.device.id === id);
        if (!found || !current) return false;
        const next = change(current.device);
        if (next === undefined) return false;
        const value = next === null ? undefined : encodeDevice(next);
        if (value === current.raw) return true;
        try {
          await ldap.modify(found.dn, [this.change('delete', current.raw), ...(value === undefined ? [] : [this.change('add', value)])]);
          return true;
        } catch (err) {
          if (!(err instanceof NoSuchAttributeError)) throw err;
          // Another writer replaced the value after it was read here: read it again.
        }
      }
      throw new DeviceStoreError(operation, `the device kept changing through ${MAX_ATTEMPTS} attempts`);
    });
  }

  private change(operation: 'add' | 'delete', value: string): Change {
    return new Change({ operation, modification: new Attribute({ type: this.attribute, values: [value] }) });
  }

  /** The user's entry and the devices in it, or undefined when there is no such user. */
  private async find(ldap: Session, user: string): Promise<Found | undefined> {
    const { userDnTemplate, searchBase, searchFilter } = this.options;
    const attributes = [this.attribute];
    let entries: Entry[];
    if (userDnTemplate !== undefined) {
      const dn = userDnTemplate.replace(PLACEHOLDER, () => escapeDnValue(user));
      try {
        ({ searchEntries: entries } = await ldap.search(dn, { scope: 'base', filter: '(objectClass=*)', attributes }));
      } catch (err) {
        if (err instanceof NoSuchObjectError) return undefined;
        throw err;
      }
    } else {
      const filter = searchFilter!.replaceAll(PLACEHOLDER, () => escapeFilterValue(user));
      ({ searchEntries: entries } = await ldap.search(searchBase!, { scope: 'sub', filter, attributes, sizeLimit: 2 }));
    }
    if (entries.length === 0) return undefined;
    if (entries.length > 1) throw new DeviceStoreError('find', 'the user search found more than one entry');
    const entry = entries[0]!;
    const devices = valuesOf(entry, this.attribute).flatMap((raw) => {
      const device = decodeDevice(raw);
      // A value copied from another user's entry is not this user's device (the seal would also refuse it).
      return device && sameUser(device.user, user) ? [{ raw, device }] : [];
    });
    return { dn: entry.dn, devices };
  }

  /**
   * One connection, bound as the service account, for one operation, which gets timeoutMs in all:
   * ldapts bounds each request, but an operation is several (and an update retries), so a
   * directory answering each just in time would otherwise hold a login for many times as long.
   */
  private async session<T>(operation: string, work: (ldap: Session) => Promise<T>): Promise<T> {
    if (this.closed) throw new DeviceStoreError(operation, 'the store is closed');
    const { url, timeoutMs = 5000, tlsOptions, startTlsOptions } = this.options;
    const client = new Client({ url, timeout: timeoutMs, connectTimeout: timeoutMs, ...(tlsOptions ? { tlsOptions } : {}) });
    const ldap = new Session(client);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DeviceStoreError(operation, `no answer from the directory within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([(async () => {
        if (startTlsOptions) await startTls(ldap, startTlsOptions, operation);
        await ldap.bind(this.options.bindDn, this.options.bindPassword);
        return work(ldap);
      })(), timedOut]);
    } catch (err) {
      if (err instanceof DeviceStoreError) throw err;
      // ldapts messages carry the server's diagnostic or a socket error, never the bind password.
      const e = err instanceof Error ? err : new Error(String(err));
      throw new DeviceStoreError(operation, `${e.name}: ${e.message.split('\n')[0]!.slice(0, 200)}`);
    } finally {
      ldap.over = true; // work still under way must not send another request
      clearTimeout(timer);
      await client.unbind().catch(() => undefined);
    }
  }
}

/** The requests of one operation, refused once its time is up (ldapts would quietly connect again). */
class Session {
  over = false;

  constructor(private readonly client: Client) {}

  startTls(options: ConnectionOptions): Promise<void> {
    // A copy: ldapts writes the socket into the object it is given.
    return this.open().startTLS({ ...options });
  }

  bind(dn: string, password: string): Promise<void> {
    return this.open().bind(dn, password);
  }

  search(...args: Parameters<Client['search']>): ReturnType<Client['search']> {
    return this.open().search(...args);
  }

  modify(...args: Parameters<Client['modify']>): ReturnType<Client['modify']> {
    return this.open().modify(...args);
  }

  private open(): Client {
    if (this.over) throw new Error('the operation already ended');
    return this.client;
  }
}

/**
 * StartTLS before the service account's bind; the operation's deadline covers the TLS handshake
 * too (ldapts bounds only the extended request). The error says `start_tls`, so the log shows where.
 */
async function startTls(ldap: Session, options: ConnectionOptions, operation: string): Promise<void> {
  try {
    await ldap.startTls(options);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    throw new DeviceStoreError(operation, `start_tls: ${e.name}: ${e.message.split('\n')[0]!.slice(0, 200)}`);
  }
}

/** The directory matched the entry case-insensitively; the stored name must agree the same way. */
function sameUser(stored: string, asked: string): boolean {
  return stored.toLowerCase() === asked.toLowerCase();
}

function valuesOf(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined || key === 'dn' ? [] : entry[key];
  return (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map((v) => v.toString());
}
