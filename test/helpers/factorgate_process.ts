import { spawn, type ChildProcess } from 'node:child_process';

export type FactorgateProcess = { child: ChildProcess; url: string; output(): string; stop(): Promise<void> };

/** factorgate as its own process (as systemd or a container runs it), configured by environment. */
export async function startFactorgateProcess(env: Record<string, string>): Promise<FactorgateProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
    env: { ...process.env, FACTORGATE_LISTEN_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { out += chunk; });
  for (let i = 0; i < 150 && !/"event":"listening"/.test(out) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
  const url = /"url":"(http:\/\/[^"]+)"/.exec(out)?.[1];
  if (!url) {
    child.kill('SIGKILL');
    throw new Error(`factorgate did not start: ${out}`);
  }
  return {
    child,
    url,
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
