import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The command line as an administrator meets it: each test runs src/cli.ts as its own process.

type Run = { code: number; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    // Only the variables given here: the machine's own FACTORGATE_* must not leak into a test.
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FACTORGATE_')));
    execFile(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], { env: { ...clean, ...env } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const SECRET = 'cli-test-secret-0123456789-0123456789';
const PACKAGE_VERSION = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describe('the command line', function () {
  // A guard against a hang, not a speed bound: each run starts Node with tsx, seconds apiece on a busy machine.
  this.timeout(120_000);
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'fg-cli-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('--version prints the version of package.json', async () => {
    const run = await cli(['--version']);
    expect(run).to.deep.include({ code: 0, stdout: `${PACKAGE_VERSION}\n` });
  });

  it('help lists every command, and COMMAND --help and help COMMAND tell more of one', async () => {
    const help = await cli(['help']);
    expect(help.code).to.equal(0);
    for (const command of ['factorgate [--config FILE]', 'factorgate demo', 'factorgate config check', 'factorgate flows check', 'factorgate devices copy', 'factorgate help']) expect(help.stdout).to.include(command);
    const demo = await cli(['demo', '--help']);
    expect(demo.code).to.equal(0);
    expect(demo.stdout).to.include('--flow FILE').and.include('simulated gateway');
    expect((await cli(['help', 'config'])).stdout).to.include('check      load the configuration as start-up does');
    expect((await cli(['devices', '--help'])).stdout).to.include('into the PostgreSQL store that otp.postgres names');
  });

  it('an unknown command or option is refused with the usage, exit 2', async () => {
    const command = await cli(['frobnicate']);
    expect(command.code).to.equal(2);
    expect(command.stderr).to.include('unknown command "frobnicate"').and.include('Usage:');
    const option = await cli(['--frobnicate']);
    expect(option.code).to.equal(2);
    expect(option.stderr).to.include("'--frobnicate'").and.include('Usage:');
  });

  it('config check: a valid configuration exits 0 and says what would run, flow included', async () => {
    const config = file('good.yaml', 'gateway:\n  url: http://gateway.test\n');
    const run = await cli(['config', 'check', '--config', config], { FACTORGATE_SECRET: SECRET });
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include(`the configuration from ${config} and the FACTORGATE_* variables is valid`)
      .and.include('gateway http://gateway.test').and.include('second factor: totp by default')
      .and.include('password:GATEWAY_PASSWORD → second:OTP_CODE → done');
  });

  it('config check: every problem, unknown keys and variables with the nearest known name, exit 1', async () => {
    const config = file('bad.yaml', 'listen:\n  hots: 0.0.0.0\ngateway:\n  url: http://gateway.test\nflows:\n  entry: nosuch\n  factors:\n    a:\n      policies:\n        - rule: true\n          action: NO_AUTHN\n');
    const run = await cli(['config', 'check', '--config', config], { FACTORGATE_SECRET: SECRET, FACTORGATE_LISTEN_PROT: '8080' });
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include('listen.hots: unknown setting; did you mean listen.host?')
      .and.include('FACTORGATE_LISTEN_PROT: unknown variable; did you mean FACTORGATE_LISTEN_PORT (listen.port)?')
      .and.include('flows.entry: unknown factor "nosuch"');
    expect(run.stdout).to.equal('');
  });

  it('config check: a YAML error is shown whole (what, line and column), without the file\'s text', async () => {
    const leaked = 'not-for-the-terminal-0123456789';
    const config = file('broken.yaml', `gateway:\n  url: http://gateway.test\nsecret: "${leaked}\n  - [unclosed\n`);
    const run = await cli(['config', 'check', '--config', config]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.match(/is not valid YAML: .+ at line \d+, column \d+/);
    expect(run.stderr).not.to.include(leaked);
  });

  it('config schema prints the JSON Schema that docs/configuration.schema.json holds', async () => {
    const run = await cli(['config', 'schema']);
    expect(run.code).to.equal(0);
    expect(run.stdout).to.equal(readFileSync('docs/configuration.schema.json', 'utf8'));
  });
});
