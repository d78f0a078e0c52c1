import { ldapTls } from '../ldap/tls.js';
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
