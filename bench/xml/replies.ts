import { readFileSync, readdirSync } from 'node:fs';
import { create } from 'xmlbuilder2';
import { readReply } from '../../src/providers/anakam/xml.js';

// npm run bench:xml: the cost of reading one two-factor server reply (fixtures/anakam/), by the
// reader factorgate uses and, as a yardstick, by xmlbuilder2's DOM. A login reads up to five.

const DIR = new URL('../../fixtures/anakam/', import.meta.url);
const replies = readdirSync(DIR).filter((f) => /^(auth|challenge)-.*\.xml$/.test(f)).map((f) => readFileSync(new URL(f, DIR), 'utf8'));

function microsecondsPerReply(read: (doc: string) => unknown, rounds: number): number {
  for (let i = 0; i < 2000; i++) read(replies[i % replies.length]!); // warm-up: let the JIT settle
  const best: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint();
    for (let i = 0; i < 20_000; i++) read(replies[i % replies.length]!);
    best.push(Number(process.hrtime.bigint() - started) / 1000 / 20_000);
  }
  return Math.min(...best);
}

const readers: Array<[string, (doc: string) => unknown]> = [
  ['readReply (saxes)', readReply],
  ['xmlbuilder2 DOM', (doc) => create(doc).root()],
];
for (const [name, read] of readers) console.log(`${name.padEnd(20)} ${microsecondsPerReply(read, 5).toFixed(2)} µs per reply (best of 5 rounds of 20,000)`);
