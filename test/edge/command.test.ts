import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runEdgeCommand } from '../../src/edge/command.js';
import { EDGE_COMMANDS } from '../../src/edge/run_edge.js';

// `factorgate edge nginx|haproxy` as an administrator runs it: a configuration the proxy itself
// accepts (nginx -t, haproxy -c), made from factorgate's configuration and holding none of its secrets.

const SECRETS = {
  FACTORGATE_SECRET: 'edge-test-secret-0123456789-abcdefghij',
  FACTORGATE_GATEWAY_SECRET_HEADER_VALUE: 'shared-header-secret-0123',
  FACTORGATE_ANAKAM_API_PASSWORD: 'anakam-api-password-xyz',
  FACTORGATE_STORE_REDIS_PASSWORD: 'redis-password-xyz',
};

const BASE_ENV = {
  FACTORGATE_GATEWAY_URL: 'https://127.0.0.1:8443',
  FACTORGATE_ANAKAM_BASE_URL: 'http://127.0.0.1:9',
  FACTORGATE_ANAKAM_API_USER: 'factorgate',
  FACTORGATE_TRUST_PROXY: '10.0.0.5',
  FACTORGATE_LISTEN_PORT: '8080',
  ...SECRETS,
};

/** The command as the CLI runs it, in this process, with only the variables given. */
function edge(args: string[], env: Record<string, string> = BASE_ENV) {
  let stdout = '';
  let stderr = '';
  const code = runEdgeCommand(args, (t) => { stdout += t; }, (t) => { stderr += t; }, env);
  return { code, stdout, stderr };
}

describe('factorgate edge', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'fg-edge-cmd-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('nginx: prints a configuration nginx -t accepts, with no secret of factorgate\'s in it', () => {
    const { code, stdout } = edge(['nginx', '--listen', '127.0.0.1:8081', '--log', join(dir, 'refusals.log')]);
    expect(code).to.equal(0);
    for (const secret of Object.values(SECRETS)) expect(stdout).not.to.include(secret);
    writeFileSync(join(dir, 'edge.conf'), stdout);
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  proxy_temp_path ${dir}/proxy;\n  client_body_temp_path ${dir}/body;\n  include ${dir}/edge.conf;\n}\n`);
    const test = spawnSync(EDGE_COMMANDS.nginx, ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    expect(test.status, test.stderr).to.equal(0);
  });

  it('haproxy: prints a configuration haproxy -c accepts, with no secret of factorgate\'s in it', () => {
    const { code, stdout } = edge(['haproxy', '--listen', '127.0.0.1:8081']);
    expect(code).to.equal(0);
    for (const secret of Object.values(SECRETS)) expect(stdout).not.to.include(secret);
    writeFileSync(join(dir, 'haproxy.cfg'), stdout);
    const test = spawnSync(EDGE_COMMANDS.haproxy, ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
    expect(test.status, test.stderr).to.equal(0);
  });

  it('its head names the portals factorgate serves on the listener the edge sends them to: /admin only without a port of its own', () => {
    const third = (env: Record<string, string>) => edge(['nginx'], { ...BASE_ENV, ...env }).stdout.split('\n').find((line) => line.startsWith('#   3.'));
    expect(third({})).to.contain('/mfa/ and factorgate\'s health');
    const withAdmin = { FACTORGATE_OTP_ENABLED: 'true', FACTORGATE_ADMIN_WEB_ENABLED: 'true', FACTORGATE_ADMIN_USERS: 'ann' };
    expect(third(withAdmin)).to.contain('/mfa/, /manageotp/, /admin/ and factorgate\'s health');
    expect(third({ ...withAdmin, FACTORGATE_ADMIN_WEB_PORT: '9443' })).to.contain('/mfa/, /manageotp/ and factorgate\'s health');
  });

  it('is a command of the CLI: `factorgate edge nginx` prints the configuration, `--help` the options', () => {
    const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FACTORGATE_')));
    const cli = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'edge', ...args], { env: { ...clean, ...BASE_ENV }, encoding: 'utf8' });
    const run = cli('nginx');
    expect(run.status, run.stderr).to.equal(0);
    expect(run.stdout).to.equal(edge(['nginx']).stdout);
    expect(cli('--help').stdout).to.include('--certificate-key');
  });

  it('refuses without trustProxy, which would make every client the edge\'s address (exit 2, nothing printed)', () => {
    const { code, stdout, stderr } = edge(['nginx'], { ...BASE_ENV, FACTORGATE_TRUST_PROXY: '' });
    expect(code).to.equal(2);
    expect(stdout).to.equal('');
    expect(stderr).to.match(/trustProxy is empty/);
  });

  it('refuses a configuration factorgate itself would refuse, naming the setting', () => {
    const { code, stderr } = edge(['haproxy'], { ...BASE_ENV, FACTORGATE_GATEWAY_URL: 'ftp://gateway' });
    expect(code).to.equal(2);
    expect(stderr).to.match(/gateway\.url/);
  });

  it('says how to call it when the proxy is not nginx or haproxy, or an option is unknown', () => {
    for (const args of [['apache'], [], ['nginx', '--port', '1']]) {
      const { code, stderr } = edge(args);
      expect(code, args.join(' ')).to.equal(2);
      expect(stderr).to.include('Usage: factorgate edge nginx|haproxy');
    }
  });

  it('writes factorgate\'s address, the gateway and the TLS files it is given', () => {
    const nginx = edge(['nginx', '--certificate', '/etc/ssl/gw.crt', '--certificate-key', '/etc/ssl/gw.key', '--factorgate', 'http://10.0.0.7:8080']).stdout;
    expect(nginx).to.match(/listen 443 ssl http2;/);
    expect(nginx).to.include('ssl_certificate /etc/ssl/gw.crt;');
    expect(nginx).to.include('ssl_certificate_key /etc/ssl/gw.key;');
    expect(nginx).to.include('server 10.0.0.7:8080;');
    expect(nginx).to.match(/proxy_pass https:\/\/fg_gateway;/);
    expect(nginx).to.include('proxy_ssl_verify on;');
    const haproxy = edge(['haproxy', '--certificate', '/etc/haproxy/gw.pem']).stdout;
    expect(haproxy).to.include('bind *:443 ssl crt /etc/haproxy/gw.pem');
    expect(haproxy).to.match(/server gateway 127\.0\.0\.1:8443 ssl verify required/);
    expect(haproxy).to.include('server factorgate 127.0.0.1:8080');
  });
});
