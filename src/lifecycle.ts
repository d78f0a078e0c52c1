/** Resolves after SIGTERM or SIGINT, once every service has closed (or 10 s have passed). */
export function untilSignalled(...services: Array<{ close(): Promise<void> }>): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      const deadline = setTimeout(() => process.exit(1), 10_000);
      deadline.unref();
      void Promise.allSettled(services.map((s) => s.close())).then(() => resolve());
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
}
