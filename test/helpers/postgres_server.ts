import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './processes.js';

// A real PostgreSQL server from Debian's packages (scripts/ensure-system-packages.sh installs
// `postgresql`), made by initdb in a temporary directory and run on a free 127.0.0.1 port, no
// Unix socket, nothing of the system's cluster touched. PostgreSQL refuses to run as root: a root
// test run starts it as the `postgres` account the package creates. Optionally with TLS, from a
// self-signed certificate for 127.0.0.1 and localhost.

const BIN_DIR = process.env.POSTGRES_BIN_DIR ?? newestBinDir();

export type PostgresServer = {
  host: string;
  port: number;
  /** The role the tests give factorgate: owns its databases, nothing more. */
  user: string;
  password: string;
  /** The CA file that verifies the server's certificate (with tls). */
  caFile?: string;
  /** A fresh, empty database owned by `user`. */
  createDatabase(): Promise<string>;
  /** A connection as `user` to `database`, for tests that look or act behind the store's back. */
  connect(database: string): Promise<pg.Client>;
  /** Stops the server at once (SIGQUIT, as an immediate shutdown) and removes its directory. */
  stop(): Promise<void>;
};

const ADMIN = 'fg_admin';
const USER = 'factorgate';

export async function startPostgres(options: { tls?: boolean } = {}): Promise<PostgresServer> {
  const dir = mkdtempSync(join(tmpdir(), 'factorgate-postgres-'));
  const owner = runAs();
  const adminPassword = 'admin-password-for-tests';
  const password = 'factorgate-password-for-tests';
  writeFileSync(join(dir, 'pwfile'), `${adminPassword}\n`);
  if (options.tls) makeCertificate(dir);
  if (owner) chownTree(dir, owner);
  const data = join(dir, 'data');
  execFileSync(join(BIN_DIR, 'initdb'), ['-D', data, '-U', ADMIN, '--pwfile', join(dir, 'pwfile'), '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-instructions'], { stdio: 'pipe', ...owner });
  const port = await freePort();
  const settings = [
    '-c', 'listen_addresses=127.0.0.1', '-c', `port=${port}`, '-c', 'unix_socket_directories=',
    // Throwaway data: no need to wait for the disk.
    '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off',
    ...(options.tls ? ['-c', 'ssl=on', '-c', `ssl_cert_file=${join(dir, 'cert.pem')}`, '-c', `ssl_key_file=${join(dir, 'key.pem')}`] : []),
  ];
  const child = spawn(join(BIN_DIR, 'postgres'), ['-D', data, ...settings], { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    await shutDown(child);
    rmSync(dir, { recursive: true, force: true });
  };
  const admin = (database = 'postgres') => new pg.Client({ host: '127.0.0.1', port, user: ADMIN, password: adminPassword, database });
  try {
    const died = exited(child, () => output);
    died.catch(() => undefined); // it also rejects when stop() ends the server later
    await Promise.race([untilAnswering(admin, 10_000), died]);
    const client = admin();
    await client.connect();
    await client.query(`CREATE ROLE ${USER} LOGIN PASSWORD '${password}'`);
    await client.end();
  } catch (err) {
    await stop();
    throw err;
  }
  let databases = 0;
  return {
    host: '127.0.0.1',
    port,
    user: USER,
    password,
    ...(options.tls ? { caFile: join(dir, 'cert.pem') } : {}),
    async createDatabase() {
      const name = `devices_${(databases += 1)}`;
      const client = admin();
      await client.connect();
      await client.query(`CREATE DATABASE ${name} OWNER ${USER}`);
      await client.end();
      return name;
    },
    async connect(database) {
      const client = new pg.Client({ host: '127.0.0.1', port, user: USER, password, database });
      await client.connect();
      return client;
    },
    stop,
  };
}

/** The newest PostgreSQL of Debian's packages. */
function newestBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)) : [];
  return join(root, versions[0] ?? 'missing', 'bin');
}

/** As root, the `postgres` account's ids (PostgreSQL will not run as root); else nothing to change. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

function chownTree(dir: string, owner: { uid: number; gid: number }): void {
  chownSync(dir, owner.uid, owner.gid);
  for (const name of readdirSync(dir)) chownSync(join(dir, name), owner.uid, owner.gid);
}

function makeCertificate(dir: string): void {
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
    '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  chmodSync(join(dir, 'key.pem'), 0o600); // PostgreSQL refuses a key others can read
}

async function untilAnswering(client: () => pg.Client, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const c = client();
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query('SELECT 1');
      await c.end();
      return;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not answer within ${withinMs} ms: ${(err as Error).message}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function exited(child: ChildProcess, output: () => string): Promise<never> {
  return new Promise((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code, signal) => reject(new Error(`postgres exited (${code ?? signal}) before answering:\n${output()}`)));
  });
}

/** SIGQUIT: the postmaster ends every backend at once and exits; SIGKILL if it has not within 5 s. */
async function shutDown(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGQUIT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await gone;
  clearTimeout(timer);
}
