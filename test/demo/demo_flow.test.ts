import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { freePort } from '../helpers/processes.js';

// `factorgate demo --flow FILE`: what a newcomer runs to try an example flow in a browser.

function demo(args: string[], port: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', ...args], {
    env: { ...process.env, FACTORGATE_LISTEN_PORT: String(port), FACTORGATE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c) => { out += c; });
  child.stderr.on('data', (c) => { out += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('factorgate demo --flow', function () {
  this.timeout(30_000);

  it('runs every login through the given flow, and says so with its paths', async () => {
    const port = await freePort();
    const run = demo(['--flow', 'fixtures/flows/push-otp-fallback.yaml'], port);
    try {
      for (let i = 0; i < 200 && !run.output().includes('Press Ctrl-C') && run.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(run.output()).to.include('Every login runs the flow you gave')
        .and.include('password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE ✓ → done');
      const page = await fetch(`http://127.0.0.1:${port}/vpn/index.html`);
      expect(page.status).to.equal(200);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
    }
  });

  it('a flow the demo cannot run (LDAP_BIND, no directory) stops with the reason and exit code 2', async () => {
    const run = demo(['--flow', 'fixtures/flows/group-check.yaml'], await freePort());
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('the demo has no directory server')
      .and.include('flows.factors.password.policies.0.action: LDAP_BIND needs the ldap section');
  });

  it('a file without a flows section is refused before anything starts', async () => {
    const run = demo(['--flow', 'fixtures/factorgate.example.yaml'], await freePort());
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('has no flows section');
  });
});
