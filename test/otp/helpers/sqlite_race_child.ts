import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { SqliteDeviceStore } from '../../../src/otp/sqlite_device_store.js';

// One factorgate instance of the multi-process race (sqlite_device_store.test.ts): opens the
// store, says "ready", waits for "go <epoch ms>", then tries step i at that time + i × 25 ms, as
// every other racer does, so that they collide on each step; prints as JSON the steps it won and
// how often it found the file locked by another racer.
const [path, user, id, first, count] = process.argv.slice(2) as [string, string, string, string, string];
const store = await SqliteDeviceStore.open({ path, busyTimeoutMs: 20_000 });
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
let start = 0;
for await (const line of lines) if ((start = Number(/^go (\d+)$/.exec(line)?.[1] ?? 0))) break;
const won: number[] = [];
for (let i = 0; i < Number(count); i += 1) {
  await sleep(Math.max(0, start + i * 25 - Date.now()));
  const step = Number(first) + i;
  if (await store.recordUse(user, id, step, Date.now())) won.push(step);
}
await store.close();
process.stdout.write(`${JSON.stringify({ won, busy: store.busyRetries })}\n`);
lines.close();
