import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { systemClock } from '../clock.js';
import type { Config } from '../config/schema.js';
import { HeldSessions } from '../gateway/held_sessions.js';
import { replayerFor } from '../gateway/replayer_for.js';
import { UserNames } from '../identity/user_names.js';
import { createLogger } from '../log.js';
import { LoginRecords } from '../login/record.js';
import { RecentSignIns } from '../ops/recent_sign_ins.js';
import type { DeviceStore } from '../otp/device_store.js';
import { openDeviceStore } from '../otp/open_device_store.js';
import { Keyring } from '../security/keyring.js';
import { Limits } from '../security/limits.js';
import { RecoveryCodes } from '../security/recovery_codes.js';
import { RememberedBrowsers } from '../security/remembered_browsers.js';
import { openStore } from '../state/open_store.js';
import type { Store } from '../state/store.js';
import { AdminAudit, type Actor } from './audit.js';
import type { AdminDeps } from './deps.js';
import { pushTokenListerFor, type PushTokenLister } from './push_tokens.js';
import { linotpClientFor } from '../providers/linotp/client_for.js';

// The stores the running factorgate uses, opened from the same configuration for one command.

export type OpenedAdmin = { deps: AdminDeps; close(): Promise<void> };

export async function openAdmin(config: Config, actor: Actor, writeStderr: (text: string) => void): Promise<OpenedAdmin> {
  const audit = new AdminAudit(actor, auditWriter(config.admin.auditFile, writeStderr), Date.now);
  // The log (standard error) says, among others, when Redis drops while a command runs.
  const logger = createLogger(config.log.level, lineWriter(writeStderr));
  // Only Redis is shared with the running factorgate: its memory store is its own, out of reach.
  let store: Store | undefined;
  if (config.store.type === 'redis') {
    const opened = await openStore(config.store, { clock: systemClock, logger });
    if (!opened.reachable) {
      await opened.store.close();
      throw new Error('redis (store.redis) does not answer');
    }
    store = opened.store;
  }
  const devices = config.otp.enabled ? await openDeviceStore(config.otp) : undefined;
  // `logins end` logs out at the gateway the session a password-first login holds, as its deadline
  // would; the log line saying so goes to standard error.
  const replayer = replayerFor(config, Date.now, logger);
  const heldSessions = store && new HeldSessions({ store, keyring: new Keyring(config.secret, config.previousSecrets), replayer, logger, now: Date.now });
  // `users show` asks the push server for the user's push tokens, as the running factorgate's /admin does.
  const linotp = linotpClientFor(config.linotp, { logger, now: Date.now });
  const pushTokens = pushTokenListerFor(config.linotp, linotp, { logger, now: Date.now });
  return {
    deps: adminDeps(config, { store, devices, audit, now: Date.now, heldSessions, pushTokens }),
    async close() {
      linotp?.close();
      heldSessions?.close();
      replayer.close();
      await store?.close();
      await devices?.close();
    },
  };
}

/** The commands' view of the stores, as the running factorgate builds its own over the same ones. */
export function adminDeps(config: Config, opened: { store?: Store; devices?: DeviceStore; audit: AdminAudit; now: () => number; heldSessions?: HeldSessions | undefined; pushTokens?: PushTokenLister | undefined }): AdminDeps {
  const { store, devices, audit, now, heldSessions, pushTokens } = opened;
  return {
    ...(store && {
      state: {
        browsers: new RememberedBrowsers(store, { maxPerUser: config.login.rememberedBrowsersPerUser, now }),
        limits: new Limits(store, config.limits, now),
        recovery: new RecoveryCodes(store, new Keyring(config.secret, config.previousSecrets), now),
        // Ending a login also logs out the gateway session it holds (password-first mode).
        logins: new LoginRecords(store, now, heldSessions),
        signIns: new RecentSignIns(store, { keepDays: config.admin.recentSignInsDays, now }),
      },
    }),
    ...(devices && { devices }),
    ...(pushTokens && { pushTokens }),
    userNames: new UserNames(config.users),
    audit, recoveryCodeHours: config.admin.recoveryCodeHours, now,
  };
}

/**
 * The audit file, appended to and readable by its owner alone; standard error without one. A file
 * that cannot be written stops the command before it acts: no action goes unaudited.
 */
export function auditWriter(file: string | undefined, writeStderr: (text: string) => void): (line: string) => void {
  if (file === undefined) return writeStderr;
  appendFileSync(file, '', { mode: 0o600 });
  return (line) => appendFileSync(file, line, { mode: 0o600 });
}

/** A stream onto `write` (the command's standard error), for the log. */
function lineWriter(write: (text: string) => void): Writable {
  return new Writable({ write(chunk: Buffer | string, _encoding, done) { write(String(chunk)); done(); } });
}
