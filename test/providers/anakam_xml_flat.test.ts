import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { readFlatReply, readReplyDom } from '../../src/providers/anakam/xml.js';

// The reply reader without a DOM must read exactly what xmlbuilder2's DOM reads, or step aside.

const DIR = new URL('../../fixtures/anakam/', import.meta.url);
const replies = readdirSync(DIR).filter((f) => /^(auth|challenge)-.*\.xml$/.test(f));

/** The DOM's reading, or 'not XML' when xmlbuilder2 refuses the document. */
const dom = (doc: string) => {
  try {
    return readReplyDom(doc);
  } catch {
    return 'not XML';
  }
};

describe('Anakam replies read without a DOM (readFlatReply)', () => {
  for (const name of replies) {
    it(`reads ${name} itself, as the DOM does`, () => {
      const doc = readFileSync(new URL(name, DIR), 'utf8').trim();
      const flat = readFlatReply(doc);
      expect(flat, 'a sample reply should not need the DOM').to.not.equal(undefined);
      expect(flat).to.deep.equal(dom(doc));
    });
  }

  for (const [what, doc] of [
    ['an attribute', '<r><status a="1">OK</status></r>'],
    ['a namespace prefix', '<r><x:status>OK</x:status></r>'],
    ['an entity', '<r><status>A&amp;B</status></r>'],
    ['CDATA', '<r><status><![CDATA[OK]]></status></r>'],
    ['a comment', '<r><!-- c --><status>OK</status></r>'],
    ['nesting', '<r><status><b>OK</b></status></r>'],
    ['an empty-element tag', '<r><status/></r>'],
    ['a mismatched end tag', '<r><status>OK</statu></r>'],
    ['a root closed by another name', '<r><status>OK</status></q>'],
    ['text after the root', '<r><status>OK</status></r>junk'],
    ['"]]>" in text', '<r><status>a]]>b</status></r>'],
    ['a carriage return', '<r><status>a\rb</status></r>'],
    ['a character XML cannot carry', '<r><status>a\u0001b</status></r>'],
    ['text between elements', '<r>x<status>OK</status></r>'],
  ] as const) {
    it(`leaves a reply with ${what} to the DOM`, () => {
      expect(readFlatReply(doc)).to.equal(undefined);
    });
  }

  it('on generated flat replies, reads what the DOM reads', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/);
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '\n', '>', '"', "'", ']', 'é', '€', '😀', '-', '/', '='), maxLength: 20 });
    const space = fc.constantFrom('', ' ', '\n', '\t\n  ');
    fc.assert(fc.property(
      fc.boolean(), name, fc.array(fc.tuple(space, name, text), { maxLength: 8 }), space,
      (declared, root, children, tail) => {
        const doc = `${declared ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<${root}>${children.map(([s, n, t]) => `${s}<${n}>${t}</${n}>`).join('')}${tail}</${root}>`;
        const flat = readFlatReply(doc);
        if (flat === undefined) return !doc.includes(']]>') ? false : true;
        expect(flat).to.deep.equal(dom(doc));
        return true;
      },
    ), { numRuns: 500, seed: 5 });
  });

  it('on any string it accepts, agrees with the DOM', () => {
    const piece = fc.constantFrom('<r>', '</r>', '<s>', '</s>', '<t>', '</t>', 'x', ' ', '&', '<', '>', ']]>', '<?xml version="1.0"?>', '\n', '<s a="1">', '<s/>');
    fc.assert(fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
      const doc = pieces.join('');
      const flat = readFlatReply(doc);
      if (flat !== undefined) expect(flat).to.deep.equal(dom(doc));
    }), { numRuns: 2000, seed: 5 });
  });
});
