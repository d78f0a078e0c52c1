import type { AddressInfo } from 'node:net';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { Config } from './config/schema.js';
import { createLogger, type Logger } from './log.js';
import { systemClock, type Clock } from './clock.js';
import { Keyring } from './security/keyring.js';
import { openStore } from './state/open_store.js';
import type { Store } from './state/store.js';
import { LoginRecords } from './login/record.js';
import { Limits } from './security/limits.js';
import { RecoveryCodes } from './security/recovery_codes.js';
import { RememberedBrowsers } from './security/remembered_browsers.js';
import { UserNames } from './identity/user_names.js';
import { AnakamClient } from './providers/anakam/client.js';
import { AnakamProvider } from './providers/anakam/anakam_provider.js';
import { ProviderRegistry, type Providers } from './providers/registry.js';
import { LdapFirstFactor } from './ldap/first_factor.js';
import { warnLdapCleartext } from './ldap/tls.js';
import { manageOtpRoutes } from './manage/routes.js';
import { passwordCheck } from './identity/password_check.js';
import type { LinotpClient } from './providers/linotp/client.js';
import { linotpClientFor } from './providers/linotp/client_for.js';
import { PushProvider } from './providers/linotp/push_provider.js';
import { TotpProvider } from './providers/totp/totp_provider.js';
import { WebauthnProvider } from './providers/webauthn/webauthn_provider.js';
import { openDeviceStore, totpFromConfig } from './otp/open_device_store.js';
import type { OtpDeps } from './otp/check_code.js';
import { MemoryNotifier, type Notifier } from './state/notifier.js';
import { RedisNotifier } from './state/redis_notifier.js';
import { PushWatcher } from './login/push_watcher.js';
import { replayerFor } from './gateway/replayer_for.js';
import { HeldSessions } from './gateway/held_sessions.js';
import { makeLogin } from './login/login.js';
import { loginIdReader } from './login/handle.js';
import { pushVerdict } from './login/push_poll.js';
import { loginFlowOf, providerChoice } from './flows/index.js';
import { CookiePolicy } from './login/cookies.js';
import { ADMIN, MANAGE, ownCookieNames, ownPortalPaths } from './http/paths.js';
import { loginPageHandler } from './proxy/login_page/fetch_login_page.js';
import { createApp } from './app.js';
import { gatewayAgent, gatewayProxy } from './proxy/passthrough.js';
import { routeTable } from './proxy/guard.js';
import { createServer } from './proxy/front_door.js';
import { Metrics } from './ops/metrics.js';
import { DependencyHealth, anyReachable, reachable, type Check } from './ops/dependencies.js';
import { opsRoutes, metricsHandler } from './ops/routes.js';
import { observeLoginDurations } from './ops/login_durations.js';
import { OutcomeCounts } from './ops/outcome_counts.js';
import { RecentSignIns, type FinishedLogin } from './ops/recent_sign_ins.js';
import { adminApp, adminWebRoutes } from './adminweb/compose.js';
import express from 'express';

/** How long in-flight requests may take to finish on shutdown. */
const SHUTDOWN_GRACE_MS = 5_000;

export type RunningFactorgate = {
  url: string;
  /** Where /metrics is served (its own listener), when metrics.enabled. */
  metricsUrl?: string;
  /** Where /admin is served, when admin.web.enabled: its own listener with admin.web.port, else the main one. */
  adminUrl?: string;
  server: Server;
  logger: Logger;
  metrics: Metrics;
  close(): Promise<void>;
};

/** Start-up stopped for a reason the administrator can fix, said in words that name the setting. */
export class StartError extends Error {
  override name = 'StartError';
}

export type StartOptions = { logger?: Logger; clock?: Clock; store?: Store };

/** The composition root: builds every part from the configuration and starts listening. */
export async function startFactorgate(config: Config, options: StartOptions = {}): Promise<RunningFactorgate> {
  const logger = options.logger ?? createLogger(config.log.level);
  warnLdapCleartext(config, logger);
  warnEndOfLifeRuntime(logger);
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const keyring = new Keyring(config.secret, config.previousSecrets);
  const metrics = new Metrics(now);
  const store = options.store ?? (await openConfiguredStore(config, clock, logger, metrics));
  // No anakam section: no Anakam provider (the schema refuses anakam then), no readiness check, not logged.
  const anakamConfig = config.anakam.configured ? config.anakam : undefined;
  const anakam = anakamConfig && new AnakamProvider({
    client: new AnakamClient({ ...anakamConfig, logger, now, onCallout: (command, outcome, seconds) => metrics.calloutSeconds.observe({ command, outcome }, seconds) }),
    method: anakamConfig.method,
    otherMethod: anakamConfig.otherMethod,
    registrationHours: anakamConfig.registrationHours,
    passcodeValiditySeconds: anakamConfig.passcodeValiditySeconds,
    logger,
    now,
  });
  const otp = config.otp.enabled ? await openOtp(config, keyring, clock, logger) : undefined;
  const webauthn = config.webauthn.enabled ? webauthnProvider(config, otp?.deps, logger, now) : undefined;
  // The push providers' and /admin's (its token listing).
  const linotp = linotpClientFor(config.linotp, { logger, now, onCallout: (command, outcome, seconds) => metrics.calloutSeconds.observe({ command, outcome }, seconds) });
  const providers = new ProviderRegistry({ anakam, ...pushProviders(config, linotp, logger, now), totp: otp?.provider, webauthn });
  for (const name of [config.providers.default, ...config.providers.policies.map((p) => p.use)]) {
    if (!providers.has(name)) throw new Error(`provider "${name}" is used by a policy but not configured`);
  }
  const gw = config.gateway;
  const replayer = replayerFor(config, now, logger);
  const heldSessions = new HeldSessions({ store, keyring, replayer, logger, now });
  // The login and /manageotp share the first factor, the user names and the limits: the same
  // counters bound both, under the same key for each user.
  const firstFactor = config.ldap.enabled ? new LdapFirstFactor(config.ldap, clock) : undefined;
  const limits = new Limits(store, config.limits, now);
  const userNames = new UserNames(config.users);
  const verifyPassword = passwordCheck({ ldap: firstFactor, replayer, userNames });
  // Counted for /admin's live view only when there is one to show them.
  // A store that cannot keep either loses that line of history, never the login: one warning each.
  const notRecorded = (what: string) => (err: unknown) => logger.warn({ event: 'history_not_recorded', what, reason: err instanceof Error ? err.message : String(err) }, `a finished login was not recorded in ${what}`);
  const outcomes = config.admin.web.enabled ? new OutcomeCounts(store, now, notRecorded('outcome counts')) : undefined;
  // Each user's recent sign-ins, for /admin and `factorgate admin users show`: one entry per user.
  const signIns = new RecentSignIns(store, { keepDays: config.admin.recentSignInsDays, now, onFailure: notRecorded('recent sign-ins') });
  const onFinished = (line: FinishedLogin & { outcome: string }) => {
    void outcomes?.record(line.outcome);
    void signIns.record(line);
  };
  // The login remembers browsers; /manageotp lists them to their user, who may forget them.
  const browsers = new RememberedBrowsers(store, { maxPerUser: config.login.rememberedBrowsersPerUser, now });
  const cookies = new CookiePolicy(config);
  const login = makeLogin({
    config, flow: loginFlowOf(config), providers, chooseProvider: providerChoice(config.providers.policies, config.providers.default), replayer, heldSessions, keyring,
    // The login's audit line also feeds factorgate_login_duration_seconds: one source for both.
    logger: observeLoginDurations(logger, metrics, onFinished), metrics, now, firstFactor, limits, userNames,
    records: new LoginRecords(store, now, heldSessions), verifyPassword,
    browsers,
    recovery: new RecoveryCodes(store, keyring, now),
  });
  const notifier: Notifier = config.store.type === 'redis' ? new RedisNotifier(config.store.redis) : new MemoryNotifier();
  const watcher = new PushWatcher({
    verdict: (loginId) => pushVerdict(login, loginId), store, notifier, logger,
    intervalMs: config.linotp?.pollIntervalMs ?? 1000, maxIntervalMs: config.linotp?.pollMaxIntervalMs ?? 5000,
  });
  // The schema refuses admin.web without otp: administrators sign in with their own app's code.
  const admin = outcomes && otp ? adminWebRoutes(config, {
    store, devices: otp.deps.store, keyring, totp: otp.deps.totp, limits, userNames, verifyPassword, ldap: firstFactor, outcomes, logger, clock, heldSessions, linotp, webauthn,
  }) : undefined;
  const adminHere = admin && config.admin.web.port === undefined;
  const table = routeTable({ ...gw, ownPaths: ownPortalPaths(config) });
  const manage = otp ? manageOtpRoutes({
    store: otp.deps.store, keyring, totp: otp.deps.totp, sessions: store, limits, userNames, login: config.login,
    verifyPassword,
    cookies: { secure: config.behindTls, sameSite: config.cookies.sameSite }, logger, clock, maxDevices: config.otp.maxDevices,
    browsers: { records: browsers, cookieName: config.cookies.deviceName, clearCookies: (res) => cookies.clearDevice(res) },
    ...(webauthn && otp.deps.store.passkeys && { webauthn: { store: otp.deps.store.passkeys, config: config.webauthn, provider: webauthn } }),
  }) : undefined;
  const agent = gatewayAgent(gw.url);
  const checks: Record<string, Check> = {
    gateway: reachable(gw.url),
    ...(anakamConfig ? { anakam: reachable(anakamConfig.baseUrl) } : {}),
    ...(config.linotp ? { linotp: anyReachable(config.linotp.urls) } : {}),
    store: async () => {
      const up = await store.ping();
      metrics.storeUp.set(up ? 1 : 0);
      if (!up) throw new Error('store not answering');
    },
  };
  const dependencies = new DependencyHealth(checks, config.health.checkIntervalMs, now);
  metrics.watchDependencies(() => dependencies.report());
  let stopping = false;
  const ops = opsRoutes({ dependencies, stopping: () => stopping });
  const app = createApp({
    config, logger, manage, ops, ...(adminHere && { admin }),
    login: {
      login, userNames, watcher, notifier, loginIdOf: loginIdReader(keyring, config.cookies.handleName),
      responder: { keyring, cookies, loginPage: gw.loginPage, now, ...(otp ? { portal: MANAGE } : {}) },
    },
    loginPage: loginPageHandler({
      gatewayUrl: gw.url, agent, table, keyring, setFormToken: (res, token) => cookies.setFormToken(res, token),
      formTokenCookie: config.cookies.csrfName, formTokenLifeMs: cookies.formTokenLifeMs, csrfFieldName: config.cookies.csrfName, logger, loginPage: gw.loginPage,
      ownCookies: ownCookieNames(config.cookies), timeoutMs: gw.timeoutMs,
      usernameField: gw.usernameField, clearRetryNote: (res) => cookies.clearRetryNote(res),
      tokenPinAfter: config.linotp?.otppin === 0 ? gw.passwordField : undefined,
    }),
  });
  const frontDoor = createServer({
    app, table, logger, trustProxy: config.trustProxy, loginPage: gw.loginPage, keepAliveMs: config.listen.keepAliveSeconds * 1000,
    passthrough: gatewayProxy({ gatewayUrl: gw.url, agent, logger, ownCookies: ownCookieNames(config.cookies), loginPage: gw.loginPage }),
    accessLog: config.log.access,
    onPassthrough: (status, seconds) => metrics.passthroughSeconds.observe({ status }, seconds),
  });

  // Said before serving, so it stands next to the start-up lines: the likeliest first mistake.
  await checks.gateway!().catch((err: NodeJS.ErrnoException) => {
    logger.warn({ event: 'gateway_unreachable', gateway: gw.url, reason: err.code ?? err.message, setting: 'gateway.url' }, 'the gateway does not answer; logins and pass-through fail until it does');
  });
  const { server } = frontDoor;
  const url = await listenOn(server, config.listen.host, config.listen.port, 'listen.port', 'listen.host').catch(async (err: unknown) => {
    await closeAll();
    throw err;
  });
  // Its own listener, on loopback unless told otherwise: never the one the public reaches.
  let metricsServer: Server | undefined;
  if (config.metrics.enabled) {
    metricsServer = createHttpServer(express().disable('x-powered-by').use(ops).get('/metrics', metricsHandler(metrics)));
    const { host, port } = config.metrics;
    await listenOn(metricsServer, host, port, 'metrics.port', 'metrics.host').catch(async (err: unknown) => {
      await frontDoor.close(0);
      await closeAll();
      throw err;
    });
  }
  const metricsUrl = metricsServer && `${urlOf(metricsServer, config.metrics.host)}/metrics`;
  // With admin.web.port, /admin on a listener of its own (loopback unless told otherwise), as /metrics.
  let adminServer: Server | undefined;
  if (admin && config.admin.web.port !== undefined) {
    adminServer = createHttpServer(adminApp(admin, config.trustProxy));
    await listenOn(adminServer, config.admin.web.host, config.admin.web.port, 'admin.web.port', 'admin.web.host').catch(async (err: unknown) => {
      await frontDoor.close(0);
      if (metricsServer) await closeServer(metricsServer);
      await closeAll();
      throw err;
    });
  }
  const adminUrl = admin && `${adminServer ? urlOf(adminServer, config.admin.web.host) : url}${ADMIN}`;
  logger.info({ event: 'listening', url, ...(metricsUrl ? { metrics: metricsUrl } : {}), ...(adminUrl ? { admin: adminUrl } : {}), gateway: gw.url, ...(anakamConfig ? { anakam: anakamConfig.baseUrl } : {}) }, 'factorgate is serving');

  async function closeAll() {
    watcher.stop();
    heldSessions.close();
    await notifier.close();
    providers.close();
    replayer.close();
    agent.destroy();
    await store.close();
  }

  return {
    url,
    ...(metricsUrl ? { metricsUrl } : {}),
    ...(adminUrl ? { adminUrl } : {}),
    server,
    logger,
    metrics,
    async close() {
      // /readyz answers 503 from here on, to whoever still holds a connection.
      stopping = true;
      logger.info({ event: 'stopping', graceMs: SHUTDOWN_GRACE_MS }, 'no new connections; requests in flight may finish');
      await frontDoor.close(SHUTDOWN_GRACE_MS);
      if (metricsServer) await closeServer(metricsServer);
      if (adminServer) await closeServer(adminServer);
      await closeAll();
      logger.info({ event: 'stopped' }, 'every connection closed');
    },
  };
}

/** The oldest Node.js major still given security fixes; 20 reached its end of life in April 2026. */
const OLDEST_SUPPORTED_NODE = 22;

/** factorgate runs on Node.js 20 still, but a security product should not: said once, at start. */
function warnEndOfLifeRuntime(logger: Logger): void {
  if (Number(process.versions.node.split('.')[0]) >= OLDEST_SUPPORTED_NODE) return;
  logger.warn({ event: 'node_end_of_life', node: process.versions.node }, 'this Node.js no longer gets security fixes: run factorgate on Node.js 24 LTS');
}

/** Listens, or says which setting to change: a busy port is the commonest reason a start fails. */
function listenOn(server: Server, host: string, port: number, portSetting: string, hostSetting: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (err: NodeJS.ErrnoException) => {
      const env = (setting: string) => `FACTORGATE_${setting.replaceAll('.', '_').toUpperCase()}`;
      if (err.code === 'EADDRINUSE') reject(new StartError(`${host}:${port} is already in use by another program: change ${portSetting} (${env(portSetting)}), or stop that program`));
      else if (err.code === 'EADDRNOTAVAIL') reject(new StartError(`${host} is not an address of this machine: change ${hostSetting} (${env(hostSetting)})`));
      else if (err.code === 'EACCES') reject(new StartError(`not allowed to listen on ${host}:${port}: pick a port above 1023 for ${portSetting} (${env(portSetting)})`));
      else reject(err);
    };
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      resolve(urlOf(server, host));
    });
  });
}

/** Closes a side listener (metrics, admin) and every connection it holds. */
async function closeServer(server: Server): Promise<void> {
  const closed = new Promise((resolve) => server.close(resolve));
  server.closeAllConnections();
  await closed;
}

function urlOf(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * The configured store. An unreachable Redis does not stop start-up: pass-through keeps flowing,
 * logins fail closed, /readyz reports it, and the client keeps reconnecting by itself.
 */
async function openConfiguredStore(config: Config, clock: Clock, logger: Logger, metrics: Metrics): Promise<Store> {
  const { store, reachable } = await openStore(config.store, { clock, logger, onEvict: evictionReporter(logger, metrics, clock) });
  if (!reachable) logger.error({ event: 'store_unavailable', store: 'redis' }, 'redis not reachable at start; logins fail until it is');
  return store;
}

/** Counts every entry the memory store pushes out, and says so in the log at most once a minute. */
function evictionReporter(logger: Logger, metrics: Metrics, clock: Clock): () => void {
  let lastLogged = -Infinity;
  let since = 0;
  return () => {
    metrics.storeEvictions.inc();
    since += 1;
    if (clock.now() - lastLogged < 60_000) return;
    logger.warn({ event: 'store_evicting', evicted: since }, 'the memory store is full and pushes out its least recently used entries (store.memory.maxEntries)');
    lastLogged = clock.now();
    since = 0;
  };
}

/** The push providers, when a LinOTP-style server is configured: push alone, and push with a typed code. */
function pushProviders(config: Config, client: LinotpClient | undefined, logger: Logger, now: () => number): Pick<Providers, 'push' | 'pushWithCode'> {
  const linotp = config.linotp;
  if (!linotp || !client) return {};
  const common = {
    client, otppin: linotp.otppin, validitySeconds: linotp.challengeValiditySeconds, withdrawPushes: linotp.withdrawPushes,
    gatewayName: new URL(config.gateway.url).host, logger, now,
  };
  return {
    push: new PushProvider({ ...common, name: 'push', allowCode: false }),
    pushWithCode: new PushProvider({ ...common, name: 'push_with_code', allowCode: true }),
  };
}

/** factorgate's own TOTP codes: the device store the configuration names, and the login provider over it. */
/** Passkeys live in the otp device store (the configuration refuses webauthn without one that holds them). */
function webauthnProvider(config: Config, otp: OtpDeps | undefined, logger: Logger, now: () => number): WebauthnProvider {
  const store = otp?.store.passkeys;
  if (!store) throw new Error('webauthn needs otp.enabled and an otp.store that holds passkeys (sqlite or postgres)');
  return new WebauthnProvider({ store, config: config.webauthn, logger, now });
}

async function openOtp(config: Config, keyring: Keyring, clock: Clock, logger: Logger): Promise<{ deps: OtpDeps; provider: TotpProvider }> {
  const onError = (reason: string) => logger.warn({ event: 'device_store_error', store: config.otp.store, reason }, 'OTP device store trouble');
  const deps: OtpDeps = { store: await openDeviceStore(config.otp, clock, onError), keyring, totp: totpFromConfig(config.otp), clock, logger };
  return { deps, provider: new TotpProvider(deps, { maxDevices: config.otp.maxDevices }) };
}
