#!/usr/bin/env node
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config/load.js';
import { startFactorgate } from './factorgate.js';
import { untilSignalled } from './ops/lifecycle.js';

const USAGE = `Usage:
  factorgate [--config FILE]   start the proxy (settings from FILE and FACTORGATE_* variables)
  factorgate demo [--flow FILE]   start a demo: simulated gateway and two-factor server on localhost
                               (--flow: every login runs the flows section of FILE, e.g. fixtures/flows/push-otp-fallback.yaml)
  factorgate config-reference  print every setting with its variable and default (Markdown)
  factorgate flows check FILE  check the flows section of FILE and print each path through it
  factorgate flows graph FILE [--format mermaid|dot]   draw the flow for the docs
  factorgate devices copy FILE [--config FILE]   copy the TOTP devices of an SQLite FILE into otp.postgres
  factorgate --help

Every setting can also come from the environment, e.g. FACTORGATE_GATEWAY_URL, FACTORGATE_TFA_BASE_URL,
FACTORGATE_SECRET (or FACTORGATE_SECRET_FILE); see README.md for the full list.`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' }, format: { type: 'string' }, flow: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const command = positionals[0];
  if (command === 'demo') {
    const { runDemo } = await import('./demo/demo.js');
    return runDemo(process.env, { flowFile: values.flow });
  }
  if (command === 'flows') {
    const { runFlowsCommand } = await import('./config/flows_command.js');
    return runFlowsCommand(positionals.slice(1).concat(values.format ? ['--format', values.format] : []), (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (command === 'config-reference') {
    const { configReference } = await import('./config/reference.js');
    process.stdout.write(configReference());
    return 0;
  }
  if (command !== undefined && command !== 'devices') {
    console.error(`unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig({ file: values.config });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`factorgate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  if (command === 'devices') {
    const { runDevicesCommand } = await import('./otp/devices_cli.js');
    return runDevicesCommand(positionals.slice(1), config.otp, (t) => process.stdout.write(t), (t) => process.stderr.write(t));
  }
  if (config.listen.workers > 1 && cluster.isPrimary) {
    // Each worker runs this same command and reads the same file and environment.
    const { runPrimary } = await import('./ops/cluster.js');
    const { createLogger } = await import('./log.js');
    return runPrimary({ workers: config.listen.workers, logger: createLogger(config.log.level) });
  }
  const running = await startFactorgate(config);
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
