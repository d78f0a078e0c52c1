import { readFileSync } from 'node:fs';

// Reads a V8 .cpuprofile (node --cpu-prof) and sums time by where the code lives (node's own
// http, each package, factorgate, GC, ...), by function (self time) and, for named functions,
// inclusive time (the function and everything it called), each stack counted once per name.
// Sampling is by wall clock: time a process spends preempted by another is charged to the frame
// it resumes in (usually a socket write), so "native" is overstated on a busy machine.

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

export type Share = { name: string; ms: number; share: number };
export type ProfileSummary = { totalMs: number; byArea: Share[]; topSelf: Share[]; inclusive: Share[] };

export function areaOf(url: string, fn: string): string {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)' || fn === '(program)') return fn.slice(1, -1);
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.includes('/dist/') || url.includes('/src/')) return 'factorgate';
  if (url.includes('/bench/')) return 'bench (reference servers)';
  if (url.startsWith('node:')) return /http/.test(url) ? 'node http' : /net|stream/.test(url) ? 'node net/streams' : 'node other';
  return 'native';
}

const label = (n: Node) => `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url.replace(/^.*\/(node_modules\/)?/, '')}:${n.callFrame.lineNumber + 1}`;

/** `inclusiveOf`: function names (as `name file:line` prefixes) whose inclusive time to report. */
export function summarizeProfile(file: string, top = 15, inclusiveOf: string[] = []): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const areas = new Map<string, number>();
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    const area = areaOf(node.callFrame.url, node.callFrame.functionName);
    if (area === 'idle') return;
    total += us;
    areas.set(area, (areas.get(area) ?? 0) + us);
    self.set(label(node), (self.get(label(node)) ?? 0) + us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!);
      const wanted = inclusiveOf.find((w) => name.startsWith(w));
      if (wanted && !seen.has(wanted)) {
        seen.add(wanted);
        inclusive.set(wanted, (inclusive.get(wanted) ?? 0) + us);
      }
    }
  });
  const share = (entries: Iterable<[string, number]>, n = Infinity): Share[] =>
    [...entries].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: Math.round(us / 100) / 10, share: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 100) / 10, byArea: share(areas), topSelf: share(self, top), inclusive: share(inclusive) };
}

if (process.argv[1]?.endsWith('cpu_profile.ts')) {
  const [file, top, ...names] = process.argv.slice(2);
  console.log(JSON.stringify(summarizeProfile(file!, Number(top ?? 25), names), null, 1));
}
