import cluster from 'node:cluster';

/** Resolves after SIGTERM or SIGINT, once every service has closed (or 10 s have passed). */
export function untilSignalled(...services: Array<{ close(): Promise<void> }>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      // A worker hears Ctrl-C from the terminal and the same signal forwarded by the primary: the
      // second must not cut its graceful stop short. A lone process keeps the second signal as "now".
      if (!cluster.isWorker) {
        process.off('SIGTERM', stop);
        process.off('SIGINT', stop);
      } else if (stopping) {
        return;
      }
      stopping = true;
      const deadline = setTimeout(() => process.exit(1), 10_000);
      deadline.unref();
      void Promise.allSettled(services.map((s) => s.close())).then(() => resolve());
    };
    let stopping = false;
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
