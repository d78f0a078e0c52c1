import { expect } from 'chai';
import { cycles, enumeratePaths, MAX_PATHS, paths, reachable, stepLabel, type Graph, type GraphPolicy } from '../../src/flows/graph.js';
import { fixture, flowOf } from './helpers.js';

/** A bare graph: { factor: [next | null for done, ...] }, entry first; every action PUSH unless given. */
function graph(factors: Record<string, Array<string | null | [string | null, string]>>): Graph {
  const map = new Map(Object.entries(factors).map(([name, nexts]) => [name, {
    name,
    policies: nexts.map((n, index): GraphPolicy => {
      const [next, action] = Array.isArray(n) ? n : [n, 'PUSH'];
      return { factor: name, index, action, ...(next === null ? {} : { next }) };
    }),
  }]));
  return { entry: Object.keys(factors)[0]!, factors: map };
}

const names = (found: ReadonlyArray<ReadonlyArray<GraphPolicy>>) => found.map((path) => path.map((p) => `${p.factor}[${p.index}]`).join(' '));

describe('flow graph (src/flows/graph.ts)', () => {
  describe('paths', () => {
    it('lists every way from the entry to done, in configuration order', () => {
      const g = graph({ a: ['b', 'c'], b: [null, 'c'], c: [null, null] });
      expect(names(paths(g))).to.deep.equal(['a[0] b[0]', 'a[0] b[1] c[0]', 'a[0] b[1] c[1]', 'a[1] c[0]', 'a[1] c[1]']);
    });

    it('the four examples have the paths their comments draw', () => {
      const of = (name: string) => {
        const flow = flowOf(fixture(name));
        return paths(flow).map((path) => path.map((p) => stepLabel(flow, p.factor, p.index)).join(' → '));
      };
      expect(of('default')).to.deep.equal(['password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE', 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE']);
      expect(of('group-check')).to.deep.equal(['password:LDAP_BIND → groupcheck[0]:NO_AUTHN → admins:PUSH', 'password:LDAP_BIND → groupcheck[1]:NO_AUTHN → others:ANAKAM_PASSCODE']);
      expect(of('intranet-device')).to.deep.equal(['password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE', 'password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE']);
      expect(of('push-otp-fallback')).to.deep.equal(['password:GATEWAY_PASSWORD → push:PUSH', 'password:GATEWAY_PASSWORD → push:NO_AUTHN → code:OTP_CODE']);
    });

    it('leaves out policies whose next is unknown or closes a cycle', () => {
      expect(names(paths(graph({ a: ['b', 'nosuch', null], b: ['a', null] })))).to.deep.equal(['a[0] b[1]', 'a[2]']);
      expect(names(paths(graph({ a: ['constructor', null] })))).to.deep.equal(['a[1]']);
    });

    it('is bounded: a limit on paths, and on walks through a tangle with no way out', () => {
      const wide: Record<string, string[]> = {};
      for (let i = 0; i < 10; i++) wide[`f${i}`] = i < 9 ? [`f${i + 1}`, `f${i + 1}`] : [null as never, null as never];
      const many = enumeratePaths(graph(wide));
      expect(many).to.deep.include({ complete: false });
      expect(many.paths).to.have.length(MAX_PATHS);
      expect(enumeratePaths(graph(wide), 2000)).to.deep.include({ complete: true }).and.to.have.nested.property('paths.length', 1024);

      const tangle: Record<string, string[]> = {};
      for (let i = 0; i < 40; i++) tangle[`f${i}`] = i < 39 ? [`f${i + 1}`, `f${i + 1}`] : ['f0'];
      // 2^40 walks if unbounded: returning at all (within mocha's timeout) is the bound at work.
      expect(enumeratePaths(graph(tangle))).to.deep.equal({ paths: [], complete: false });
    });
  });

  it('reachable: the factors the entry leads to', () => {
    expect([...reachable(graph({ a: ['b'], b: [null], c: ['a'] }))]).to.deep.equal(['a', 'b']);
    expect([...reachable({ ...graph({ a: [null] }), entry: 'nosuch' })]).to.deep.equal([]);
  });

  it('cycles: each once, where it closes (in depth-first order), self-loops included', () => {
    const found = cycles(graph({ a: ['b', 'a'], b: ['c'], c: ['a', 'b'] }));
    expect(found.map((c) => [`${c.policy.factor}[${c.policy.index}]`, c.cycle.join(' → ')])).to.deep.equal([
      ['c[0]', 'a → b → c → a'],
      ['c[1]', 'b → c → b'],
      ['a[1]', 'a → a'],
    ]);
    expect(cycles(graph({ a: ['b', 'b'], b: [null] }))).to.deep.equal([]);
  });

  it('stepLabel shows the index only when the factor uses the action twice', () => {
    const g = graph({ a: [[null, 'PUSH'], [null, 'OTP_CODE'], [null, 'PUSH']] });
    expect([0, 1, 2].map((i) => stepLabel(g, 'a', i))).to.deep.equal(['a[0]:PUSH', 'a:OTP_CODE', 'a[2]:PUSH']);
  });
});
