import { expect } from 'chai';
import { runFlowsCommand } from '../../src/config/flows_command.js';

function run(args: string[]) {
  let out = '';
  let err = '';
  const code = runFlowsCommand(args, (t) => { out += t; }, (t) => { err += t; });
  return { code, out, err };
}

describe('factorgate flows check / graph', () => {
  it('check prints each path of a good flow and exits 0', () => {
    const { code, out } = run(['check', 'fixtures/flows/group-check.yaml']);
    expect(code).to.equal(0);
    expect(out).to.include('2 paths');
    expect(out).to.include('admins:PUSH ✓ → done');
  });

  it('check lists every problem of a broken flow with dotted paths and exits 1', () => {
    const { code, err } = run(['check', 'fixtures/flows/broken.yaml']);
    expect(code).to.equal(1);
    expect(err).to.include('flows: 9 problems');
    expect(err).to.include('flows.factors.orphan: unreachable');
    expect(err).to.include('closes a cycle');
  });

  it('graph draws Mermaid or DOT, and refuses another format', () => {
    expect(run(['graph', 'fixtures/flows/default.yaml']).out).to.match(/^flowchart TD/);
    expect(run(['graph', 'fixtures/flows/default.yaml', '--format', 'dot']).out).to.match(/^digraph/);
    expect(run(['graph', 'fixtures/flows/default.yaml', '--format', 'svg']).code).to.equal(2);
  });

  it('a file without a flows section shows the default flow its ldap and providers sections make', () => {
    const { code, out } = run(['check', 'fixtures/factorgate.example.yaml']);
    expect(code).to.equal(0);
    expect(out).to.include('has no flows section: this is the default flow its ldap, providers and anakam sections make')
      .and.include('1. password:GATEWAY_PASSWORD → second:ANAKAM_DEVICE ✓ → done')
      .and.include('2. password:GATEWAY_PASSWORD → second:ANAKAM_PASSCODE ✓ → done');
  });

  it('a file that cannot be read, or none at all, is a usage error', () => {
    expect(run(['check', 'fixtures/no-such-file.yaml']).code).to.equal(2);
    expect(run(['check']).code).to.equal(2);
  });
});
