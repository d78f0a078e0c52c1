import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { flowGraph, flowsCheckReport } from '../../src/flows/index.js';
import { fixture, flowFrom, flowOf } from './helpers.js';

describe('flow reports and diagrams (src/flows/render.ts)', () => {
  describe('flows check', () => {
    it('prints each path, ✓ on second factors, with the rules along it', () => {
      expect(flowsCheckReport(fixture('group-check'))).to.deep.equal({
        ok: true,
        text: [
          'flows: OK: 4 factors, 2 paths from the entry "password"; a second factor is required (✓)',
          '  factors: password (passthrough), groupcheck (passthrough), admins (passthrough), others (passthrough)',
          '  needs: ldap (LDAP_BIND), anakam (ANAKAM_PASSCODE), linotp (PUSH)',
          '  1. password:LDAP_BIND → groupcheck[0]:NO_AUTHN → admins:PUSH ✓ → done',
          "       groupcheck[0]:NO_AUTHN if user.groups contains 'Administrators'",
          '  2. password:LDAP_BIND → groupcheck[1]:NO_AUTHN → others:ANAKAM_PASSCODE ✓ → done',
          '',
        ].join('\n'),
      });
    });

    it('names interactive factors by their fields, and marks paths allowed without a second factor', () => {
      const flow = {
        entry: 'password',
        factors: {
          password: { policies: [{ rule: "client.ip in '10.0.0.0/8'", action: 'GATEWAY_PASSWORD', allowNoSecondFactor: true }, { rule: true, action: 'GATEWAY_PASSWORD', next: 'code' }] },
          code: { loginSchema: { fields: [{ name: 'code', label: 'Code', type: 'otp' }, { name: 'trust', label: 'Trust', type: 'checkbox' }] }, policies: [{ rule: true, action: 'OTP_CODE' }] },
        },
      };
      expect(flowsCheckReport(flow).text).to.equal([
        'flows: OK: 2 factors, 2 paths from the entry "password"; a second factor is required (✓)',
        '  factors: password (passthrough), code (asks: code, trust)',
        '  needs: otp (OTP_CODE)',
        '  1. password[0]:GATEWAY_PASSWORD → done   (no second factor: allowed)',
        "       password[0]:GATEWAY_PASSWORD if client.ip in '10.0.0.0/8'",
        '  2. password[1]:GATEWAY_PASSWORD → code:OTP_CODE ✓ → done',
        '',
      ].join('\n'));
      expect(flowsCheckReport({ ...flowFrom({ a: [['true', 'LDAP_BIND']] }), requireSecondFactor: false }).text.split('\n')[0])
        .to.equal('flows: OK: 1 factor, 1 path from the entry "a"; a second factor is not required (✓ marks one)');
    });

    it('prints the problems instead, and is not ok', () => {
      const report = flowsCheckReport(flowFrom({ a: [['true', 'PUSH', 'b']] }));
      expect(report).to.deep.equal({ ok: false, text: 'flows: 1 problem\n  flows.factors.a.policies[0].next: unknown factor "b"\n' });
      expect(flowsCheckReport(fixture('broken')).text.split('\n')[0]).to.equal('flows: 9 problems');
    });
  });

  describe('flows graph', () => {
    it('writes a Mermaid flowchart', () => {
      expect(flowGraph(flowOf(fixture('push-otp-fallback')), 'mermaid')).to.equal([
        'flowchart TD',
        '  start(["start: the gateway\'s login page"]) --> f0',
        '  f0["password<br/>passthrough"]',
        '  f1["push<br/>passthrough"]',
        '  f2[/"code<br/>asks: code"/]',
        '  done(["done: replay to the gateway"])',
        '  f0 -->|"[0] true → GATEWAY_PASSWORD"| f1',
        '  f1 -->|"[0] true → PUSH ✓"| done',
        '  f1 -->|"[1] true → NO_AUTHN"| f2',
        '  f2 -->|"[0] true → OTP_CODE ✓"| done',
        '',
      ].join('\n'));
    });

    it('writes a Graphviz digraph', () => {
      expect(flowGraph(flowOf(fixture('default')), 'dot')).to.equal([
        'digraph flow {',
        '  rankdir=TB;',
        '  node [shape=box, fontname="Helvetica"];',
        '  edge [fontname="Helvetica", fontsize=10];',
        '  "start" [shape=oval, label="start: the gateway\'s login page"];',
        '  "done" [shape=oval, label="done: replay to the gateway"];',
        '  "start" -> "factor:password";',
        '  "factor:password" [label="password\\npassthrough"];',
        '  "factor:second" [label="second\\npassthrough"];',
        '  "factor:password" -> "factor:second" [label="[0] true → GATEWAY_PASSWORD"];',
        '  "factor:second" -> "done" [label="[0] device.accepted → ANAKAM_DEVICE ✓"];',
        '  "factor:second" -> "done" [label="[1] true → ANAKAM_PASSCODE ✓"];',
        '}',
        '',
      ].join('\n'));
    });

    // Rules may hold quotes, pipes, angle brackets, # and backslashes; none may end a label early.
    const awkward = flowOf(flowFrom({ a: [["header('X-A') == \"q\\\"|<b>#1;\\\\\" or user.name matches 'CORP\\\\*'", 'PUSH'], ['true', 'OTP_CODE']] }));

    it('escapes labels in Mermaid', () => {
      const edge = flowGraph(awkward, 'mermaid').split('\n').find((line) => line.includes('PUSH'))!;
      expect(edge).to.equal('  f0 -->|"[0] header(\'X-A\') == #34;q\\#34;#124;#60;b#62;#35;1;\\\\#34; or user.name matches \'CORP\\\\*\' → PUSH ✓"| done');
      const label = edge.slice(edge.indexOf('|"') + 2, edge.lastIndexOf('"|'));
      expect(label).not.to.match(/["|<>`]/);
    });

    it('escapes labels in DOT', () => {
      const edge = flowGraph(awkward, 'dot').split('\n').find((line) => line.includes('PUSH'))!;
      expect(edge).to.equal('  "factor:a" -> "done" [label="[0] header(\'X-A\') == \\"q\\\\\\"|<b>#1;\\\\\\\\\\" or user.name matches \'CORP\\\\\\\\*\' → PUSH ✓"];');
    });

    // Graphviz comes from Debian's graphviz package (scripts/ensure-system-packages.sh installs it).
    it('DOT output is accepted by Graphviz', function () {
      expect(spawnSync('dot', ['-V']).status, 'Graphviz dot is not installed').to.equal(0);
      for (const flow of [awkward, ...['default', 'group-check', 'intranet-device', 'push-otp-fallback'].map((n) => flowOf(fixture(n)))]) {
        const svg = execFileSync('dot', ['-Tsvg'], { input: flowGraph(flow, 'dot') }).toString();
        expect(svg).to.contain('<svg');
      }
    });
  });
});
