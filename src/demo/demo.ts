import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../config/load.js';
import { flowsCheckReport } from '../flows/index.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { startFactorgate } from '../factorgate.js';
import { untilSignalled } from '../ops/lifecycle.js';
import { startSimulators } from './simulators/start.js';
import { loadDemoUsers } from './simulators/users.js';

const DEMO_API_USER = 'factorgate-demo';
/** The demo's push user (a push token in fixtures/demo-users.yaml); everyone else gets a passcode. */
const PUSH_USERS = ['dave'];
/** The demo's authenticator-app user: registers a phone app at /manageotp, then logs in with its codes. */
const TOTP_USERS = ['erin'];

/**
 * `factorgate demo`: a simulated gateway and two-factor server on localhost, with factorgate in
 * front of them built from the same configuration path as production. Only the two servers
 * behind factorgate are simulated.
 */
export async function runDemo(env: NodeJS.ProcessEnv = process.env, options: { flowFile?: string } = {}): Promise<number> {
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
  // otppin 1: the push server checks the user's gateway password, as factorgate sends it.
  const users = loadDemoUsers();
  const simulators = await startSimulators({ anakam: { apiUser: DEMO_API_USER, apiPassword }, linotp: { otppin: 1 } });
  const config = demoConfig(env, simulators, apiPassword, flows);
  if (config instanceof ConfigError) {
    await simulators.close();
    const ldap = config.problems.some((p) => p.includes('LDAP_BIND')) ? ' (the demo has no directory server, so a flow with LDAP_BIND cannot run in it)' : '';
    console.error(`factorgate demo: the flow does not fit${ldap}:\n  ${config.problems.join('\n  ')}`);
    return 2;
  }
  return serveDemo(config, simulators, users, options.flowFile && flows);
}

/** The demo's configuration: the simulators behind factorgate, and the flow when one was given. */
function demoConfig(env: NodeJS.ProcessEnv, simulators: Awaited<ReturnType<typeof startSimulators>>, apiPassword: string, flows: unknown) {
  try {
    return loadDemoConfig(env, simulators, apiPassword, flows);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
}

function loadDemoConfig(env: NodeJS.ProcessEnv, simulators: Awaited<ReturnType<typeof startSimulators>>, apiPassword: string, flows: unknown) {
  return loadConfig({
    env: {
      FACTORGATE_LISTEN_PORT: '8080',
      FACTORGATE_SECRET: randomBytes(32).toString('base64url'),
      ...pickFactorgateVariables(env),
      FACTORGATE_GATEWAY_URL: simulators.gatewayUrl,
      FACTORGATE_TFA_BASE_URL: simulators.anakamUrl,
      FACTORGATE_TFA_API_USER: DEMO_API_USER,
      FACTORGATE_TFA_API_PASSWORD: apiPassword,
      FACTORGATE_LINOTP_URLS: simulators.linotpUrl,
      // Demo users with a push token approve on the phone page; everyone else gets a passcode.
      FACTORGATE_PROVIDERS_POLICIES: JSON.stringify([{ users: PUSH_USERS, use: 'push_with_code' }, { users: TOTP_USERS, use: 'totp' }]),
      FACTORGATE_OTP_ENABLED: 'true',
      FACTORGATE_OTP_SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'factorgate-demo-')), 'otp-devices.sqlite'),
    },
    overrides: flows === undefined ? undefined : { flows },
  });
}

async function serveDemo(config: ReturnType<typeof loadConfig>, simulators: Awaited<ReturnType<typeof startSimulators>>, users: ReturnType<typeof loadDemoUsers>, flows: unknown): Promise<number> {
  let factorgate;
  try {
    factorgate = await startFactorgate(config);
  } catch (err) {
    await simulators.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      console.error(`factorgate demo: port ${config.listen.port} is in use; set FACTORGATE_LISTEN_PORT to another port.`);
      return 1;
    }
    throw err;
  }
  const lines = [
    '',
    'factorgate demo is running. Open in a browser:',
    '',
    `  login page      ${factorgate.url}/vpn/index.html`,
    `  passcodes       ${simulators.anakamUrl}/outbox   (the simulated e-mail/SMS outbox)`,
    `  phone           ${simulators.linotpUrl}/phone    (approve push logins here, in a second tab)`,
    `  your devices    ${factorgate.url}/manageotp   (register an authenticator app)`,
    '',
    'Demo users (simulated gateway passwords):',
    ...Object.entries(users).map(([name, user]) => `  ${name.padEnd(8)} ${user.password.padEnd(18)} ${PUSH_USERS.includes(name) ? 'push (pick the number on the phone page)' : TOTP_USERS.includes(name) ? 'authenticator app (register it at /manageotp first)' : [user.email, user.phone].filter(Boolean).join(', ')}`),
    '',
    `Behind it: gateway simulator ${simulators.gatewayUrl}, two-factor simulator ${simulators.anakamUrl}, push simulator ${simulators.linotpUrl}.`,
    'Log in as alice, read the passcode from the outbox, tick "Remember this device" to skip it next time.',
    'Log in as dave and approve the push on the phone page by picking the number the login page shows.',
    'For erin, open /manageotp, sign in, "Add device", scan the QR code with an authenticator app (or paste',
    'the otpauth:// link into one), type one code to finish; then log in as erin with a code from the app.',
    ...(flows ? ['', `Every login runs the flow you gave, not the one the hints above describe (${config.otp.withoutDevice === 'enrol' ? 'users without an authenticator app register one right after the password' : 'set FACTORGATE_OTP_WITHOUT_DEVICE=enrol to let users without an authenticator app register one at login'}):`, ...flowsCheckReport(flows).text.trimEnd().split('\n').map((line) => `  ${line}`)] : []),
    'Press Ctrl-C to stop them all.',
    '',
  ];
  process.stderr.write(lines.join('\n') + '\n');
  await untilSignalled(factorgate, simulators);
  process.stderr.write('factorgate demo stopped.\n');
  return 0;
}

/** Lets FACTORGATE_* variables (a port, a log level) shape the demo, except what the demo must own. */
function pickFactorgateVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith('FACTORGATE_') && typeof e[1] === 'string'));
}
