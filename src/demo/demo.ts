import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/load.js';
import { defaultFlow, flowsCheckReport, type FlowsConfigInput } from '../flows/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { StartError, startFactorgate } from '../factorgate.js';
import { createLogger, type Logger } from '../log.js';
import { pino } from 'pino';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import { untilSignalled } from '../ops/lifecycle.js';
import { startSimulators } from './simulators/start.js';
import { EDGE_KINDS, EDGE_PACKAGES, edgeVersion, startEdgeProxy, type EdgeKind, type RunningEdge } from '../edge/run_edge.js';
import { loadDemoUsers } from './simulators/users.js';

const DEMO_API_USER = 'factorgate-demo';
const DEMO_PORT = 8080;
/** How long a push can be answered, on the phone and on the page alike: LinOTP's default. */
const DEMO_PUSH_SECONDS = 120;
// The simulator's auth keys outlive a login (login.lifetimeSeconds, 10 minutes by default), so a
// passcode that expired (5 minutes) can be replaced within the same sign-in.
const DEMO_AUTH_KEY_MS = 15 * 60_000;
/** A newcomer who tries a few times must not be locked out for 15 minutes; wrong-answer limits stay as they are. */
const RELAXED_LIMITS = { FACTORGATE_LIMITS_LOGIN_STARTS_PER_USER: '1000', FACTORGATE_LIMITS_LOGIN_STARTS_PER_CLIENT: '10000' } as const;
/** The demo's push user (a push token in fixtures/demo-users.yaml); everyone else gets a passcode. */
const PUSH_USERS = ['dave'];
/**
 * The demo's authenticator-app user: registers a phone app at /manageotp, then logs in with its
 * codes; once signed in there, may add a passkey, which the login then asks for first.
 */
const TOTP_USERS = ['erin'];

/** NGINX or HAPROXY name the edge proxy's executable when it is not where Debian installs it. */
const edgeCommandOf = (kind: EdgeKind, env: NodeJS.ProcessEnv) => (kind === 'nginx' ? env.NGINX : env.HAPROXY);

/**
 * `factorgate demo`: a simulated gateway and two-factor server on localhost, with factorgate in
 * front of them built from the same configuration path as production. Only the two servers
 * behind factorgate are simulated.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env, options: { flowFile?: string; edge?: string } = {}): Promise<number> {
  // Edge mode (`--edge nginx`): a real nginx or HAProxy in front, running `factorgate edge`'s configuration.
  const edge = options.edge;
  if (edge !== undefined) {
    if (!(EDGE_KINDS as readonly string[]).includes(edge)) {
      console.error(`factorgate demo: --edge takes ${EDGE_KINDS.join(' or ')}`);
      return 2;
    }
    if (edgeVersion(edge as EdgeKind, edgeCommandOf(edge as EdgeKind, env)) === undefined) {
      console.error(`factorgate demo: --edge ${edge} runs the demo behind a real ${edge}, which is not installed here.\nOn Debian or Ubuntu: sudo apt-get install ${EDGE_PACKAGES[edge as EdgeKind]}`);
      return 2;
    }
  }
  // A flow to try (`--flow fixtures/flows/push-otp-fallback.yaml`): the file's flows section.
  let flows: unknown;
  if (options.flowFile) {
    try {
      flows = (parseYaml(readFileSync(options.flowFile, 'utf8')) as { flows?: unknown } | null)?.flows;
    } catch (err) {
      console.error(`factorgate demo: cannot read ${options.flowFile}: ${(err as Error).message.split('\n')[0]}`);
      return 2;
    }
    if (flows === undefined) {
      console.error(`factorgate demo: ${options.flowFile} has no flows section`);
      return 2;
    }
  }
  // Demo-only API password, new each run: never a credential from the repository.
  const apiPassword = randomBytes(18).toString('base64url');
  // otppin 1: the push server checks the user's gateway password, as factorgate sends it; a push
  // is valid as long on the phone as on the page (one clock).
  const users = loadDemoUsers();
  const simulators = await startSimulators({
    anakam: { apiUser: DEMO_API_USER, apiPassword, authKeyTtlMs: DEMO_AUTH_KEY_MS }, linotp: { otppin: 1, validityMs: DEMO_PUSH_SECONDS * 1000 }, ...simulatorPorts(env), portsArePreferences: true,
  });
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-demo-'));
  const config = demoConfig(env, simulators, apiPassword, flows, dir, edge !== undefined);
  if (config instanceof ConfigError) {
    await simulators.close();
    const ldap = config.problems.some((p) => p.includes('LDAP_BIND')) ? ' (the demo has no directory server, so a flow with LDAP_BIND cannot run in it)' : '';
    console.error(`factorgate demo: the flow does not fit${ldap}:\n  ${config.problems.join('\n  ')}`);
    return 2;
  }
  return serveDemo(config, simulators, users, options.flowFile && flows, dir, edge as EdgeKind | undefined, env);
}

/**
 * The simulators on the ports after factorgate's (8081, 8082, 8083 beside 8080) while those are
 * free, so the outbox and phone links of an earlier run stay valid; on free ones otherwise.
 */
function simulatorPorts(env: NodeJS.ProcessEnv): { ports?: { gateway: number; anakam: number; linotp: number } } {
  const port = Number(env.FACTORGATE_LISTEN_PORT ?? DEMO_PORT);
  if (!Number.isInteger(port) || port <= 0 || port + 3 > 65535) return {};
  return { ports: { gateway: port + 1, anakam: port + 2, linotp: port + 3 } };
}

/** The demo's configuration: the simulators behind factorgate, and the flow when one was given. */
function demoConfig(env: NodeJS.ProcessEnv, simulators: Awaited<ReturnType<typeof startSimulators>>, apiPassword: string, flows: unknown, dir: string, edge: boolean) {
  try {
    return loadDemoConfig(env, simulators, apiPassword, flows, dir, edge);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

function loadDemoConfig(env: NodeJS.ProcessEnv, simulators: Awaited<ReturnType<typeof startSimulators>>, apiPassword: string, flows: unknown, dir: string, edge: boolean) {
  const config = loadDemoConfigWith(env, simulators, apiPassword, flows, dir, edge);
  // Passkeys: WebAuthn needs a host name as its RP ID (never an IP address), and the origin the
  // browser is on: http://localhost:<port>, known before start unless the port is "any free one".
  const port = Number(env.FACTORGATE_LISTEN_PORT ?? DEMO_PORT);
  if (flows !== undefined || !Number.isInteger(port) || port <= 0) return config;
  const webauthn = { enabled: true, rpId: 'localhost', origins: [demoOrigin(port)] };
  return loadDemoConfigWith(env, simulators, apiPassword, passkeyFirst(defaultFlow({ ldap: config.ldap.enabled, passwordCheck: config.gateway.passwordCheck, providers: config.providers })), dir, edge, webauthn);
}

/** Where a person opens the demo: localhost, the host name a passkey of the demo is made for. */
const demoOrigin = (port: number) => `http://localhost:${port}`;

/**
 * The demo's own flow: the login it would run anyway, with a passkey asked for first wherever
 * an authenticator app's code is. A user without a passkey is not held up (WEBAUTHN fails at
 * once and the code is asked for); one with both keeps the app as "another way to sign in".
 */
export function passkeyFirst(flow: FlowsConfigInput): FlowsConfigInput {
  const factors = Object.fromEntries(Object.entries(flow.factors).map(([name, factor]) => [name, {
    ...factor,
    policies: factor.policies.flatMap((policy) => (policy.action === 'OTP_CODE' ? [{ rule: policy.rule, action: 'WEBAUTHN' as const }, policy] : [policy])),
  }]));
  return { ...flow, factors };
}

function loadDemoConfigWith(env: NodeJS.ProcessEnv, simulators: Awaited<ReturnType<typeof startSimulators>>, apiPassword: string, flows: unknown, dir: string, edge: boolean, webauthn?: object) {
  return loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: String(DEMO_PORT),
      FACTORGATE_SECRET: randomBytes(32).toString('base64url'),
      // A free port: a second demo, or a factorgate already running, must not stop this one.
      FACTORGATE_METRICS_PORT: '0',
      ...RELAXED_LIMITS,
      ...pickFactorgateVariables(env),
      // Behind the edge, factorgate takes any free port and believes the edge's X-Forwarded-For (it is on this machine).
      ...(edge ? { FACTORGATE_LISTEN_PORT: '0', FACTORGATE_TRUST_PROXY: '127.0.0.1' } : {}),
      FACTORGATE_GATEWAY_URL: simulators.gatewayUrl,
      FACTORGATE_TFA_BASE_URL: simulators.anakamUrl,
      FACTORGATE_TFA_API_USER: DEMO_API_USER,
      FACTORGATE_TFA_API_PASSWORD: apiPassword,
      FACTORGATE_LINOTP_URLS: simulators.linotpUrl,
      // The simulator withdraws what factorgate no longer waits for: the phone never offers a dead push.
      FACTORGATE_LINOTP_WITHDRAW_PUSHES: 'true',
      FACTORGATE_LINOTP_CHALLENGE_VALIDITY_SECONDS: String(DEMO_PUSH_SECONDS),
      // Demo users with a push token approve on the phone page; everyone else gets a passcode.
      FACTORGATE_PROVIDERS_POLICIES: JSON.stringify([{ users: PUSH_USERS, use: 'push_with_code' }, { users: TOTP_USERS, use: 'totp' }]),
      FACTORGATE_OTP_ENABLED: 'true',
      FACTORGATE_OTP_SQLITE_PATH: join(dir, 'otp-devices.sqlite'),
    },
    overrides: flows === undefined ? undefined : { flows, ...(webauthn && { webauthn }) },
  });
}

async function serveDemo(
  config: ReturnType<typeof loadConfig>, simulators: Awaited<ReturnType<typeof startSimulators>>, users: ReturnType<typeof loadDemoUsers>, flows: unknown, dir: string,
  edgeKind: EdgeKind | undefined, env: NodeJS.ProcessEnv,
): Promise<number> {
  const log = demoLog(config.log.level, join(dir, 'factorgate.log'));
  let factorgate;
  try {
    factorgate = await startFactorgate(config, { logger: log.logger });
  } catch (err) {
    await simulators.close();
    if (err instanceof StartError) {
      console.error(`factorgate demo: ${err.message}`);
      return 1;
    }
    throw err;
  }
  let edge: RunningEdge | undefined;
  if (edgeKind) {
    // The edge takes the port the demo would have listened on (FACTORGATE_LISTEN_PORT, 0 for any free one).
    const port = Number(env.FACTORGATE_LISTEN_PORT ?? DEMO_PORT);
    try {
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`FACTORGATE_LISTEN_PORT is not a port: ${env.FACTORGATE_LISTEN_PORT}`);
      edge = await startEdgeProxy(edgeKind, config, { factorgateUrl: factorgate.url, port: port || undefined, command: edgeCommandOf(edgeKind, env) });
    } catch (err) {
      await factorgate.close();
      await simulators.close();
      console.error(`factorgate demo: ${edgeKind} did not start on port ${port} (in use? set FACTORGATE_LISTEN_PORT to another port):\n${(err as Error).message}`);
      return 1;
    }
  }
  // The front by its host name when passkeys are on: they work only there (the RP ID is localhost).
  const front = edge?.url ?? (config.webauthn.enabled ? config.webauthn.origins[0]! : factorgate.url);
  const lines = [
    '',
    'factorgate demo is running: four servers on localhost, factorgate and behind it three simulators',
    '(a gateway, an Anakam-style two-factor server, a LinOTP-style push server). Open in a browser:',
    '',
    `  login page      ${front}/vpn/index.html`,
    `  passcodes       ${simulators.anakamUrl}/outbox   (the simulated e-mail/SMS outbox)`,
    `  phone           ${simulators.linotpUrl}/phone    (approve push logins here, in a second tab)`,
    `  your devices    ${front}/manageotp   (register an authenticator app${config.webauthn.enabled ? ', then a passkey' : ''})`,
    '',
    ...(edge ? [
      `Edge mode: ${edge.kind} at ${edge.url} carries the gateway's traffic, factorgate at ${factorgate.url} only the sign-in.`,
      `  its configuration (from factorgate edge ${edge.kind})   ${edge.configFile}`,
      `  what it refuses, one JSON line each                ${edge.logFile}`,
      '',
    ] : []),
    'Demo users (simulated gateway passwords):',
    ...Object.entries(users).map(([name, user]) => `  ${name.padEnd(8)} ${user.password.padEnd(18)} ${PUSH_USERS.includes(name) ? 'push (pick the number on the phone page)' : TOTP_USERS.includes(name) ? `authenticator app${config.webauthn.enabled ? ' or passkey' : ''} (register it at /manageotp first)` : [user.email, user.phone].filter(Boolean).join(', ')}`),
    '',
    `Behind it: gateway simulator ${simulators.gatewayUrl}, two-factor simulator ${simulators.anakamUrl}, push simulator ${simulators.linotpUrl}.`,
    `Metrics: ${factorgate.metricsUrl ?? 'off'}. Limits are relaxed for the demo: ${config.limits.loginStartsPerUser} logins per user and ${config.limits.loginStartsPerClient} per address in ${config.limits.windowSeconds / 60} minutes.`,
    `Make the two-factor server fail (and DELETE the same URL to mend it; src/demo/simulators/README.md has more):`,
    `  curl -X POST -H 'Content-Type: application/json' -d '{"status":503}' ${simulators.anakamUrl}/_control/fault`,
    'Log in as alice, read the passcode from the outbox, tick "Remember this device" to skip it next time.',
    'Log in as dave and approve the push on the phone page by picking the number the login page shows.',
    'For erin, open /manageotp, sign in, "Add device", scan the QR code with an authenticator app (or paste',
    'the otpauth:// link into one), type one code to finish; then log in as erin with a code from the app.',
    ...(config.webauthn.enabled ? [
      'Passkey: signed in at /manageotp as erin, "Add a passkey or security key" (Touch ID, Windows Hello, an',
      'Android phone, or a USB/NFC security key); the next login asks for it, the app stays "another way to sign in".',
      `Passkeys are made for the host name localhost: open ${config.webauthn.origins[0]!}, not 127.0.0.1.`,
    ] : []),
    ...(flows ? ['', `Every login runs the flow you gave, not the one the hints above describe (${config.otp.withoutDevice === 'enrol' ? 'users without an authenticator app register one right after the password' : 'set FACTORGATE_OTP_WITHOUT_DEVICE=enrol to let users without an authenticator app register one at login'}):`, ...flowsCheckReport(flows).text.trimEnd().split('\n').map((line) => `  ${line}`)] : []),
    'Press Ctrl-C to stop them all.',
    '',
    `What happens, one line per event below; the whole JSON log is in ${log.file}`,
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
  log.showEvents();
  const edgeService = edge && { close: () => edge.stop() };
  await untilSignalled(...(edgeService ? [edgeService] : []), factorgate, simulators);
  process.stderr.write('factorgate demo stopped.\n');
  return 0;
}

/**
 * The demo's log: every line as JSON in a file, and from the banner on, the same events as one
 * readable line each on the terminal (pino-pretty), instead of JSON flooding the banner.
 */
function demoLog(level: string, file: string): { logger: Logger; file: string; showEvents(): void } {
  let showing = false;
  const terminal = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (showing) process.stderr.write(chunk);
      done();
    },
  });
  const readable = pretty({
    destination: terminal, sync: true, singleLine: true, colorize: process.stderr.isTTY === true,
    translateTime: 'SYS:HH:MM:ss', ignore: 'service,pid,hostname,event', messageFormat: '{if event}{event}: {end}{msg}',
  });
  const streams = pino.multistream([
    { level: level as pino.Level, stream: pino.destination({ dest: file, sync: true, mode: 0o600 }) },
    { level: level === 'debug' || level === 'trace' ? 'info' : level as pino.Level, stream: readable },
  ]);
  return { logger: createLogger(level, streams as unknown as NodeJS.WritableStream), file, showEvents: () => { showing = true; } };
}

/** Lets FACTORGATE_* variables (a port, a log level) shape the demo, except what the demo must own. */
function pickFactorgateVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('FACTORGATE_') && typeof e[1] === 'string'));
}
