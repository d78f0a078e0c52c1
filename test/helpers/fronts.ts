import type { Config } from '../../src/config/schema.js';
import type { RunningFactorgate } from '../../src/factorgate.js';
import { EDGE_KINDS, startEdgeProxy, type EdgeKind, type RunningEdge } from '../../src/edge/run_edge.js';

// What browsers talk to in a test: factorgate itself (inline mode), or a real nginx or HAProxy
// running the configuration `factorgate edge` generates, in front of factorgate and the gateway
// (edge mode). The attack tests run against each.

export const FRONTS = ['factorgate', ...EDGE_KINDS] as const;
export type Front = (typeof FRONTS)[number];

/** The edge connects to factorgate from 127.0.0.1: trustProxy names it, as `factorgate edge` requires. */
export const EDGE_TRUST_PROXY = ['127.0.0.1'];

/** Configuration overrides factorgate needs behind this front. */
export function frontOverrides(front: Front): Record<string, unknown> {
  return front === 'factorgate' ? {} : { trustProxy: EDGE_TRUST_PROXY };
}

type LogLine = Record<string, unknown>;
/** Where the log lines stood at a moment: lines after it are factorgate's and the edge's since then. */
export type LogMark = { factorgate: number; edge: number };

export type RunningFront = {
  front: Front;
  /** Where the browser goes. */
  url: string;
  edge?: RunningEdge;
  mark(): LogMark;
  /** factorgate's log lines and the edge's refusal lines since the mark. */
  linesSince(mark: LogMark): LogLine[];
  /**
   * The first line since the mark that matches, waiting for the edge's: nginx and HAProxy write
   * theirs as they finish the request, a moment after the answer.
   */
  line(mark: LogMark, matches: (line: LogLine) => boolean): Promise<LogLine | undefined>;
  close(): Promise<void>;
};

export async function startFront(front: Front, config: Config, fg: RunningFactorgate, factorgateLines: LogLine[]): Promise<RunningFront> {
  const edge = front === 'factorgate' ? undefined : await startEdgeProxy(front as EdgeKind, config, { factorgateUrl: fg.url });
  const linesSince = (mark: LogMark) => [...factorgateLines.slice(mark.factorgate), ...(edge?.lines() ?? []).slice(mark.edge)];
  return {
    front,
    url: edge?.url ?? fg.url,
    edge,
    mark: () => ({ factorgate: factorgateLines.length, edge: edge?.lines().length ?? 0 }),
    linesSince,
    async line(mark, matches) {
      for (let waited = 0; ; waited += 20) {
        const found = linesSince(mark).find(matches);
        if (found || !edge || waited >= 2000) return found;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: async () => edge?.stop(),
  };
}
