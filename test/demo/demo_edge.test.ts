import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { freePort } from '../helpers/processes.js';

// `npm run demo -- --edge nginx`: the demo behind a real nginx (or HAProxy) running the
// configuration `factorgate edge` generates.

function demo(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo', ...args], {
    env: { ...process.env, FACTORGATE_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => { out += c; });
  child.stderr!.on('data', (c) => { out += c; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

describe('factorgate demo --edge', function () {
  this.timeout(40_000);

  it('nginx: the login page comes through nginx with factorgate\'s script; /cgi/login is refused there', async () => {
    const port = await freePort();
    const run = demo(['--edge', 'nginx'], { FACTORGATE_LISTEN_PORT: String(port) });
    try {
      for (let i = 0; i < 300 && !run.output().includes('Press Ctrl-C') && run.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
      expect(run.output()).to.include(`login page      http://127.0.0.1:${port}/vpn/index.html`).and.include('Edge mode: nginx');
      const page = await fetch(`http://127.0.0.1:${port}/vpn/index.html`);
      expect(await page.text()).to.match(/<script[^>]+src="\/mfa\/static\//);
      const refused = await fetch(`http://127.0.0.1:${port}/cgi/login`, { method: 'POST', body: 'login=alice&passwd=alice-demo-pw', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      expect(refused.status).to.equal(403);
      expect(refused.headers.get('server')).to.match(/^nginx/);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).to.equal(0);
    }
    // nginx went with the demo.
    const gone = await fetch(`http://127.0.0.1:${port}/`).then(() => false, () => true);
    expect(gone).to.equal(true);
  });

  it('says how to install the proxy when it is not there, before starting anything (exit 2)', async () => {
    const run = demo(['--edge', 'haproxy'], { HAPROXY: '/nonexistent/haproxy', FACTORGATE_LISTEN_PORT: String(await freePort()) });
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('sudo apt-get install haproxy');
  });

  it('refuses a proxy it does not know (exit 2)', async () => {
    const run = demo(['--edge', 'apache'], { FACTORGATE_LISTEN_PORT: String(await freePort()) });
    expect(await run.exited).to.equal(2);
    expect(run.output()).to.include('--edge takes nginx or haproxy');
  });
});
