import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { systemClock, type Clock } from '../clock.js';
import type { DeviceStore } from './device_store.js';
import { LdapDeviceStore } from './ldap_device_store.js';
import type { OtpConfig } from './otp_config.js';
import { SqliteDeviceStore } from './sqlite_device_store.js';
import { Totp } from './totp.js';

/** The device store the configuration names (a checked OtpConfig: the LDAP keys are there when store is ldap). */
export async function openDeviceStore(config: OtpConfig, clock: Clock = systemClock): Promise<DeviceStore> {
  if (config.store === 'sqlite') return SqliteDeviceStore.open({ path: config.sqlite.path, clock });
  const { url, bindDn, bindPassword, userDnTemplate, searchBase, searchFilter, attribute, timeoutMs, tls } = config.ldap;
  let tlsOptions: ConnectionOptions | undefined;
  // Only for ldaps://: ldapts speaks TLS to an ldap:// URL too when it is given any tlsOptions.
  if (/^ldaps:/i.test(url!)) tlsOptions = { rejectUnauthorized: tls.rejectUnauthorized, ...(tls.caFile ? { ca: readFileSync(tls.caFile) } : {}) };
  return new LdapDeviceStore({
    url: url!, bindDn: bindDn!, bindPassword: bindPassword!, attribute, timeoutMs, clock,
    ...(userDnTemplate === undefined ? { searchBase: searchBase!, searchFilter: searchFilter! } : { userDnTemplate }),
    ...(tlsOptions ? { tlsOptions } : {}),
  });
}

export function totpFromConfig(config: OtpConfig): Totp {
  const { issuer, algorithm, digits, period } = config;
  return new Totp({ issuer, algorithm, digits, period });
}
