#!/usr/bin/env node
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import type { Config } from './config/schema.js';
import { VERSION } from './version.js';

// Each command imports what it needs when it runs: --version and help answer at once, without
// loading the proxy.

/** Each command's help: the first line is its summary in `factorgate help`. */
const HELP: Readonly<Record<string, string>> = {
  start: `factorgate [--config FILE]
  Start the proxy. Settings come from FILE (YAML) and FACTORGATE_* variables, which win; any
  variable may name a file with the _FILE suffix (FACTORGATE_SECRET_FILE). docs/configuration.md
  lists every setting. SIGTERM or Ctrl-C stops it after the requests in flight.`,
  demo: `factorgate demo [--flow FILE] [--edge nginx|haproxy]
  Start a demo on localhost: simulated gateway, two-factor and push servers, and factorgate in
  front of them. --flow FILE: every login runs the flows section of FILE
  (e.g. fixtures/flows/push-otp-fallback.yaml). --edge: behind a real nginx or HAProxy in edge
  mode, when it is installed.`,
  edge: `factorgate edge nginx|haproxy [--config FILE] [options]
  Print a configuration for a proxy in front (edge mode: it carries the gateway's traffic,
  factorgate the sign-in); factorgate edge --help lists the options.`,
  config: `factorgate config check [--config FILE] | config reference | config schema
  check      load the configuration as start-up does (file, variables, secrets' files, flows)
             without starting anything; print what would run, or every problem and exit 1
  reference  print every setting with its variable and default (Markdown)
  schema     print the configuration file's JSON Schema, for editors`,
  flows: `factorgate flows check FILE | flows graph FILE [--format mermaid|dot]
  check  check the flows section of FILE and print each path through it
  graph  draw the flow for the docs`,
  devices: `factorgate devices copy FILE [--config FILE]
  copy every TOTP device and passkey of the SQLite FILE into the PostgreSQL store that otp.postgres names
  (README.md, "Where TOTP devices live")`,
  admin: `factorgate admin users show|devices remove|browsers revoke|unlock|recovery-code|logins list|end ... [--json]
  The help desk's tools, against the stores the configuration names (Redis, the device
  database); factorgate admin --help lists them. Each action is audited as one JSON line.`,
  help: `factorgate help [COMMAND]
  This help, or one command's. Also: factorgate COMMAND --help, and factorgate --version.`,
};

function usage(): string {
  return ['Usage:', ...Object.values(HELP).map((text) => `  ${text.split('\n')[0]}`), '', 'factorgate help COMMAND (or COMMAND --help) says more; factorgate --version prints the version.'].join('\n');
}

function helpFor(command: string | undefined): string | undefined {
  if (command === undefined) return usage();
  return HELP[command];
}

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'edge') {
    // Its own options (--listen, --certificate, ...), read by the command itself.
    const { runEdgeCommand, EDGE_USAGE } = await import('./edge/command.js');
    if (argv.includes('--help') || argv.includes('-h')) {
      console.log(EDGE_USAGE);
      return 0;
    }
    return runEdgeCommand(argv.slice(1), (t) => process.stdout.write(t), (t) => process.stderr.write(t), process.env);
  }
  if (argv[0] === 'admin') return adminCommand(argv.slice(1));
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, version: { type: 'boolean' },
        format: { type: 'string' }, flow: { type: 'string' }, edge: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    console.error(`factorgate: ${(err as Error).message}\n\n${usage()}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.version) {
    console.log(VERSION);
    return 0;
  }
  if (values.help || command === 'help') {
    const topic = command === 'help' ? rest[0] : command;
    const text = helpFor(topic);
    if (text === undefined) {
      console.error(`factorgate: no command "${topic}"\n\n${usage()}`);
      return 2;
    }
    console.log(text);
    return 0;
  }
  if (command === 'demo') {
    const { runDemo } = await import('./demo/demo.js');
    return runDemo(process.env, { flowFile: values.flow, edge: values.edge });
  }
  if (command === 'flows') {
    const { runFlowsCommand } = await import('./config/flows_command.js');
    return runFlowsCommand(rest.concat(values.format ? ['--format', values.format] : []), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (command === 'config' || command === 'config-reference') {
    return configCommand(command === 'config' ? rest[0] : 'reference', values.config);
  }
  if (command === 'devices') return devicesCommand(rest, values.config);
  if (command !== undefined) {
    console.error(`factorgate: unknown command "${command}"\n\n${usage()}`);
    return 2;
  }
  return start(values.config);
}

async function configCommand(sub: string | undefined, file: string | undefined): Promise<number> {
  if (sub === 'check') {
    const { checkConfig } = await import('./config/check.js');
    return checkConfig(file, process.env, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (sub === 'reference') {
    const { configReference } = await import('./config/reference.js');
    process.stdout.write(configReference());
    return 0;
  }
  if (sub === 'schema') {
    const { configJsonSchema } = await import('./config/json_schema.js');
    process.stdout.write(`${JSON.stringify(configJsonSchema(), null, 2)}\n`);
    return 0;
  }
  console.error(`factorgate: ${sub === undefined ? 'config needs a subcommand' : `unknown config subcommand "${sub}"`}\n\n${HELP.config}`);
  return 2;
}

/** The configuration as start-up reads it, or undefined once its problems are printed. */
async function configOrProblems(file: string | undefined): Promise<Config | undefined> {
  const { ConfigError, loadConfig } = await import('./config/load.js');
  try {
    return loadConfig({ file });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`factorgate: ${err.message}`);
      return undefined;
    }
    throw err;
  }
}

async function devicesCommand(args: string[], file: string | undefined): Promise<number> {
  const config = await configOrProblems(file);
  if (config === undefined) return 2;
  const { runDevicesCommand } = await import('./otp/devices_cli.js');
  return runDevicesCommand(args, config.otp, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
}

async function adminCommand(argv: string[]): Promise<number> {
  const { ADMIN_USAGE, readAdminArgs, runAdminCommand } = await import('./admin/command.js');
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(ADMIN_USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const read = readAdminArgs(argv);
  if (typeof read === 'string') {
    console.error(`factorgate admin: ${read}\n\n${ADMIN_USAGE}`);
    return 2;
  }
  const config = await configOrProblems(read.config);
  if (config === undefined) return 2;
  const { hostname, userInfo } = await import('node:os');
  // Who acts and from where, for the audit line: an SSH session says which address it came from.
  const ssh = process.env.SSH_CLIENT?.split(' ')[0];
  const actor = { actor: read.actor ?? userInfo().username, from: `cli@${hostname()}${ssh ? ` (ssh from ${ssh})` : ''}` };
  const { openAdmin } = await import('./admin/open.js');
  const opened = await openAdmin(config, actor, (t) => process.stderr.write(t));
  try {
    return await runAdminCommand(read.args, opened.deps, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  } finally {
    await opened.close();
  }
}

async function start(file: string | undefined): Promise<number> {
  const config = await configOrProblems(file);
  if (config === undefined) return 2;
  if (config.listen.workers > 1 && cluster.isPrimary) {
    // Each worker runs this same command and reads the same file and environment.
    const { runPrimary } = await import('./ops/cluster.js');
    const { createLogger } = await import('./log.js');
    return runPrimary({ workers: config.listen.workers, logger: createLogger(config.log.level) });
  }
  const { StartError, startFactorgate } = await import('./factorgate.js');
  const { untilSignalled } = await import('./ops/lifecycle.js');
  let running;
  try {
    running = await startFactorgate(config);
  } catch (err) {
    if (err instanceof StartError) {
      console.error(`factorgate: ${err.message}`);
      return 1;
    }
    throw err;
  }
  await untilSignalled(running);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`factorgate: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
