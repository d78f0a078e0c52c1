/**
 * Waits until `check` holds, looking again every few milliseconds, and fails naming `what` when
 * it still does not hold after `withinMs`. Tests wait for what they expect to happen, never for a
 * fixed time, so a busy machine makes them slower, not red. A check that throws counts as "not
 * yet" (a server still starting refuses connections).
 */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, withinMs = 10_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await Promise.resolve().then(check).catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`gave up after ${withinMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
