import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { TestBrowser } from '../helpers/browser.js';
import { untilOutput } from '../helpers/factorgate_process.js';
import { startLogin } from '../helpers/harness.js';
import { freePort } from '../helpers/processes.js';
import { SoftAuthenticator } from '../helpers/soft_authenticator.js';
import { csrfOf, follow, postPassword } from '../manage/helpers/portal_app.js';

// `factorgate demo`: what a newcomer runs first, and `--flow FILE` to try an example flow.

function demo(args: string[], port: number, env: Record<string, string> = {}) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FACTORGATE_')));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', ...args], {
    env: { ...clean, FACTORGATE_LISTEN_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { out += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = () => out;
  // The banner's last line: the demo is serving.
  const ready = () => untilOutput(child, output, (text) => /the whole JSON log is in \S+\n/.test(text));
  return { child, exited, output, ready };
}

/** A port with four free ports after it, for factorgate and the three simulators. */
async function portWithRoomAfter(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 4 > 65535) continue;
    const free = await Promise.all([1, 2, 3].map((i) => new Promise<boolean>((resolve) => {
      const probe = createServer().once('error', () => resolve(false));
      probe.listen(port + i, '127.0.0.1', () => probe.close(() => resolve(true)));
    })));
    if (free.every(Boolean)) return port;
  }
}

describe('factorgate demo', function () {
  this.timeout(60_000);
  let blocker: Server | undefined;
  afterEach(() => { blocker?.close(); blocker = undefined; });

  it('prints its banner, then one readable line per event, and the JSON log goes to the file it names', async () => {
    const port = await portWithRoomAfter();
    const run = demo([], port);
    try {
      await run.ready();
      expect(run.output()).to.include('four servers on localhost').and.include('Limits are relaxed for the demo: 1000 logins per user');
      expect(run.output()).to.include(`curl -X POST -H 'Content-Type: application/json' -d '{"status":503}' http://127.0.0.1:${port + 2}/_control/fault`);
      const banner = run.output();
      const file = /the whole JSON log is in (\S+)/.exec(banner)![1]!;
      // The simulators take the ports after factorgate's, so an earlier run's links stay valid.
      expect(banner).to.include(`http://127.0.0.1:${port + 2}/outbox`).and.include(`http://127.0.0.1:${port + 3}/phone`);
      expect(banner.split('\n').some((line) => line.startsWith('{'))).to.equal(false);
      expect(readFileSync(file, 'utf8')).to.match(/^\{"level":"info".*"event":"listening"/m);
      const page = await fetch(`http://127.0.0.1:${port}/vpn/index.html`);
      expect(page.status).to.equal(200);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
    }
    const after = run.output().slice(run.output().indexOf('the whole JSON log is in'));
    expect(after).to.match(/\] INFO: stopping: no new connections/);
    expect(after.split('\n').some((line) => line.startsWith('{'))).to.equal(false);
  });

  it('offers erin a passkey on localhost: added at /manageotp after the password, asked for first at the next login', async () => {
    const port = await portWithRoomAfter();
    const run = demo([], port);
    try {
      await run.ready();
      expect(run.output()).to.include(`login page      http://localhost:${port}/vpn/index.html`)
        .and.include('"Add a passkey or security key" (Touch ID, Windows Hello')
        .and.include(`Passkeys are made for the host name localhost: open http://localhost:${port}, not 127.0.0.1.`)
        .and.match(/erin {5}erin-demo-pw {7}authenticator app or passkey/);
      const origin = `http://localhost:${port}`;
      // A person's browser with a platform authenticator, played by the software one (Node's fetch reaches 127.0.0.1).
      const key = new SoftAuthenticator();
      const portal = new TestBrowser(`http://127.0.0.1:${port}`);
      const home = await follow(portal, await postPassword(portal, 'erin', 'erin-demo-pw'));
      const csrf = csrfOf(home.body);
      const { options } = (await portal.postJson('/manageotp/passkeys/options', { name: 'Laptop', csrf })).json() as { options: { challenge: string; rp: { id: string } } };
      expect(options.rp.id).to.equal('localhost');
      const added = await portal.postJson('/manageotp/passkeys', { csrf, response: key.register({ challenge: options.challenge, origin, rpId: 'localhost' }) });
      expect(added.json()).to.deep.equal({ location: '/manageotp?m=passkey_added' });

      const login = await startLogin(new TestBrowser(`http://127.0.0.1:${port}`), 'erin', 'erin-demo-pw');
      const asked = login.json() as { csrf: string; challenge: { kind: string; options: { challenge: string; rpId: string; allowCredentials: Array<{ id: string }> } } };
      expect(asked.challenge.kind).to.equal('webauthn');
      expect(asked.challenge.options.allowCredentials.map((c) => c.id)).to.deep.equal([key.id]);
      // Others log in as before: alice gets her passcode.
      const alice = await startLogin(new TestBrowser(`http://127.0.0.1:${port}`), 'alice', 'alice-demo-pw');
      expect((alice.json() as { challenge: { kind: string } }).challenge.kind).to.equal('passcode');
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
    }
    expect(run.output()).to.match(/manageotp_passkey_added: passkey registered at the portal/);
  });

  it('a simulator port already taken gives way to a free one', async () => {
    const port = await portWithRoomAfter();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port + 2, '127.0.0.1', resolve));
    const run = demo([], port);
    try {
      await run.ready();
      const outbox = /passcodes\s+(http:\/\/127\.0\.0\.1:(\d+))\/outbox/.exec(run.output())!;
      expect(Number(outbox[2])).not.to.equal(port + 2);
      expect((await fetch(`${outbox[1]}/outbox.json`)).status).to.equal(200);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
    }
  });

  it('runs every login through the given flow, and says so with its paths', async () => {
    const port = await freePort();
    const run = demo(['--flow', 'fixtures/flows/push-otp-fallback.yaml'], port);
    try {
      await run.ready();
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

  it('a busy port names the setting to change', async () => {
    const port = await freePort();
    blocker = createServer();
    await new Promise<void>((resolve) => blocker!.listen(port, '127.0.0.1', resolve));
    const run = demo([], port);
    expect(await run.exited).to.equal(1);
    expect(run.output()).to.include(`factorgate demo: 127.0.0.1:${port} is already in use by another program: change listen.port (FACTORGATE_LISTEN_PORT)`);
  });
});
