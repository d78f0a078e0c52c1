// The flow as a graph: factors are nodes, a policy with a next factor is an edge, a policy
// without one is an edge to "done". Factors are few (tens), so plain depth-first searches do.
// Every lookup goes through a Map: a factor named "constructor" in a `next` is unknown, not
// Object.prototype.constructor.

export interface GraphPolicy {
  readonly factor: string;
  readonly index: number;
  readonly action: string;
  readonly next?: string;
}

export interface GraphFactor<P extends GraphPolicy = GraphPolicy> {
  readonly name: string;
  readonly policies: readonly P[];
}

export interface Graph<P extends GraphPolicy = GraphPolicy> {
  readonly entry: string;
  readonly factors: ReadonlyMap<string, GraphFactor<P>>;
}

/** One way through the flow: the winning policy of each factor, entry first; done follows the last. */
export type FlowPath<P extends GraphPolicy = GraphPolicy> = readonly P[];

/** Factors reachable from the entry (the entry included when it exists). */
export function reachable(graph: Graph): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    const factor = graph.factors.get(name);
    if (!factor || seen.has(name)) return;
    seen.add(name);
    for (const policy of factor.policies) if (policy.next !== undefined) visit(policy.next);
  };
  visit(graph.entry);
  return seen;
}

/** Each policy whose next closes a cycle, with the cycle (first factor repeated at the end). */
export function cycles<P extends GraphPolicy>(graph: Graph<P>): Array<{ policy: P; cycle: string[] }> {
  const found: Array<{ policy: P; cycle: string[] }> = [];
  const done = new Set<string>();
  const stack: string[] = [];
  const visit = (name: string) => {
    const factor = graph.factors.get(name)!;
    stack.push(name);
    for (const policy of factor.policies) {
      const next = policy.next;
      if (next === undefined || !graph.factors.has(next) || done.has(next)) continue;
      const at = stack.indexOf(next);
      if (at >= 0) found.push({ policy, cycle: [...stack.slice(at), next] });
      else visit(next);
    }
    stack.pop();
    done.add(name);
  };
  // From the entry first, so cycles read in flow order; then the rest (unreachable parts too).
  for (const name of [graph.entry, ...graph.factors.keys()]) if (graph.factors.has(name) && !done.has(name)) visit(name);
  return found;
}

/** Bounds on path enumeration: paths kept, and factors visited (a tangle may have few paths but many walks). */
export const MAX_PATHS = 256;
const MAX_VISITS = 20_000;

/**
 * Every path from the entry to done. A policy whose next is unknown or closes a cycle ends no
 * path: those are reported on their own. `complete` is false when a bound was hit.
 */
export function enumeratePaths<P extends GraphPolicy>(graph: Graph<P>, limit = MAX_PATHS): { paths: Array<FlowPath<P>>; complete: boolean } {
  const found: Array<FlowPath<P>> = [];
  let visits = 0;
  let complete = true;
  const walk = (name: string, soFar: P[], onPath: ReadonlySet<string>) => {
    const factor = graph.factors.get(name);
    if (!factor) return;
    if (++visits > MAX_VISITS) {
      complete = false;
      return;
    }
    for (const policy of factor.policies) {
      if (!complete) return;
      if (policy.next === undefined) {
        if (found.length >= limit) complete = false;
        else found.push([...soFar, policy]);
      } else if (!onPath.has(policy.next)) {
        walk(policy.next, [...soFar, policy], new Set(onPath).add(policy.next));
      }
    }
  };
  walk(graph.entry, [], new Set([graph.entry]));
  return { paths: found, complete };
}

/** The paths from the entry to done, for `flows check` (at most MAX_PATHS). */
export function paths<P extends GraphPolicy>(graph: Graph<P>): Array<FlowPath<P>> {
  return enumeratePaths(graph).paths;
}

/** `factor:ACTION`, with the policy's index when the factor uses that action more than once. */
export function stepLabel(graph: Graph, factor: string, index: number): string {
  const policies = graph.factors.get(factor)?.policies ?? [];
  const action = policies[index]?.action ?? '?';
  const twice = policies.filter((p) => p.action === action).length > 1;
  return `${factor}${twice ? `[${index}]` : ''}:${action}`;
}

/** A path as the audit line and `flows check` name it: `password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE → done`. */
export function pathLabel(graph: Graph, steps: ReadonlyArray<{ factor: string; index: number }>): string {
  return [...steps.map((s) => stepLabel(graph, s.factor, s.index)), 'done'].join(' → ');
}
