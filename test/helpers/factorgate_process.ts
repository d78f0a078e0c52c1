import { spawn, type ChildProcess } from 'node:child_process';

export type FactorgateProcess = { child: ChildProcess; url: string; metricsUrl?: string; output(): string; stop(): Promise<void> };

/** Resolves once `output()` satisfies `done`, as output arrives; rejects if the process exits first. */
export function untilOutput(child: ChildProcess, output: () => string, done: (text: string) => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!done(output())) return false;
      stop();
      resolve();
      return true;
    };
    const onExit = () => {
      // Output still in the pipes is read before 'close'.
      child.once('close', () => {
        if (!check()) {
          stop();
          reject(new Error(`the process exited before it wrote what was awaited:\n${output()}`));
        }
      });
    };
    const stop = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    if (check()) return;
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    if (child.exitCode !== null || child.signalCode !== null) onExit();
    else child.once('exit', onExit);
  });
}

/** factorgate as its own process (as systemd or a container runs it), configured by environment. */
export async function startFactorgateProcess(env: Record<string, string>): Promise<FactorgateProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts'], {
    env: { ...process.env, FACTORGATE_LISTEN_PORT: '0', FACTORGATE_METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  // Registered before untilOutput's listeners, so they see each chunk already added.
  child.stdout.on('data', (chunk) => { out += chunk; });
  child.stderr.on('data', (chunk) => { out += chunk; });
  // Waits for the event itself, however slow a busy machine makes the start (mocha's timeout bounds it).
  await untilOutput(child, () => out, (text) => /"event":"listening"[^\n]*\n/.test(text)).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`factorgate did not start: ${err.message}`);
  });
  const listening = JSON.parse(out.split('\n').find((line) => line.includes('"event":"listening"'))!) as { url: string; metrics?: string };
  return {
    child,
    url: listening.url,
    ...(listening.metrics ? { metricsUrl: listening.metrics } : {}),
    output: () => out,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
