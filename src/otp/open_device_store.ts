import { readFileSync } from 'node:fs';
import { ldapTls } from '../ldap/tls.js';
import { systemClock, type Clock } from '../clock.js';
import { DeviceStoreError, type DeviceStore } from './device_store.js';
import { LdapDeviceStore } from './ldap_device_store.js';
import type { OtpConfig } from './otp_config.js';
import { PostgresDeviceStore, type PostgresTls } from './postgres_device_store.js';
import { SqliteDeviceStore } from './sqlite_device_store.js';
import { Totp } from './totp.js';

/**
 * The device store the configuration names (a checked OtpConfig: the keys a store needs are
 * there when it is chosen). `onError`: told of trouble between operations, without secrets.
 */
export async function openDeviceStore(config: OtpConfig, clock: Clock = systemClock, onError?: (reason: string) => void): Promise<DeviceStore> {
  if (config.store === 'sqlite') return SqliteDeviceStore.open({ path: config.sqlite.path, clock });
  if (config.store === 'postgres') return openPostgresDeviceStore(config, clock, onError);
  const { url, bindDn, bindPassword, userDnTemplate, searchBase, searchFilter, attribute, timeoutMs, tls } = config.ldap;
  const { connect, startTls } = ldapTls(url!, tls);
  return new LdapDeviceStore({
    url: url!, bindDn: bindDn!, bindPassword: bindPassword!, attribute, timeoutMs, clock,
    ...(userDnTemplate === undefined ? { searchBase: searchBase!, searchFilter: searchFilter! } : { userDnTemplate }),
    ...(connect ? { tlsOptions: connect } : {}),
    ...(startTls ? { startTlsOptions: startTls } : {}),
  });
}

export function totpFromConfig(config: OtpConfig): Totp {
  const { issuer, algorithm, digits, period } = config;
  return new Totp({ issuer, algorithm, digits, period });
}

/** The PostgreSQL store of otp.postgres (a checked OtpConfig whose store is postgres). */
export function openPostgresDeviceStore(config: OtpConfig, clock: Clock = systemClock, onError?: (reason: string) => void): Promise<PostgresDeviceStore> {
  const { host, port, database, user, password, timeoutMs, maxConnections } = config.postgres;
  return PostgresDeviceStore.open({
    host: host!, port, database, user, ...(password !== undefined && { password }), timeoutMs, maxConnections, clock,
    tls: postgresTls(config.postgres.tls), ...(onError && { onError }),
  });
}

function postgresTls(tls: OtpConfig['postgres']['tls']): PostgresTls {
  if (tls.mode === 'disable') return { mode: 'disable' };
  if (tls.caFile === undefined) return { mode: tls.mode };
  try {
    return { mode: tls.mode, ca: readFileSync(tls.caFile, 'utf8') };
  } catch (err) {
    throw new DeviceStoreError('open', `cannot read otp.postgres.tls.caFile ${tls.caFile} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
