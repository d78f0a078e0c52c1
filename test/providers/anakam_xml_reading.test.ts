import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import nock from 'nock';
import { create } from 'xmlbuilder2';
import { readReply, type ReplyElements } from '../../src/providers/anakam/xml.js';
import { AnakamClient } from '../../src/providers/anakam/client.js';
import { anakamProfileSchema } from '../../src/providers/anakam/profile.js';
import { FactorgateError } from '../../src/errors.js';
import { captureLogs } from '../helpers/log_capture.js';

// One reply, one reading: the two-factor server's replies are read by one strict parser, which
// reads what an independent XML parser (xmlbuilder2's DOM) reads, or refuses the reply.

const DIR = new URL('../../fixtures/anakam/', import.meta.url);
const replies = readdirSync(DIR).filter((f) => /^(auth|challenge)-.*\.xml$/.test(f));

/** xmlbuilder2's reading: the root's name and each element child's name and text; 'not XML' when it refuses. */
function domReading(doc: string): ReplyElements | 'not XML' {
  try {
    const root = create(doc).root().node as unknown as { nodeName: string; childNodes: ArrayLike<{ nodeType: number; nodeName: string; textContent: string | null }> };
    const children = Array.from(root.childNodes).filter((n) => n.nodeType === 1).map((n): [string, string] => [n.nodeName, n.textContent ?? '']);
    return { root: root.nodeName, children: children.map(([name, text]) => [name, text.trim()]) };
  } catch {
    return 'not XML';
  }
}

/**
 * A reading without white space in its texts, for comparing generated replies: the DOM drops a
 * white-space-only piece of text between a comment or CDATA and the next ("a<!---->  <!---->b" is
 * "ab" to it, "a  b" to XML and to us). The named cases above compare white space exactly.
 */
const withoutSpace = (r: ReplyElements | string) => (typeof r === 'string' ? r : { root: r.root, children: r.children.map(([n, t]) => [n, t.replace(/[ \t\r\n]/g, '')]) });

/** The reading, its texts trimmed as parseReply takes them (the DOM keeps no white-space-only text), or the refusal's detail. */
function reading(doc: unknown): ReplyElements | string {
  try {
    const { root, children } = readReply(doc);
    return { root, children: children.map(([name, text]) => [name, text.trim()]) };
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'tfa_protocol');
    return (err as FactorgateError).detail;
  }
}

describe('Anakam replies: one strict reading', () => {
  for (const name of replies) {
    it(`reads ${name} as the DOM does`, () => {
      const doc = readFileSync(new URL(name, DIR), 'utf8');
      expect(reading(doc)).to.deep.equal(domReading(doc.trim()));
    });
  }

  describe('what XML allows is read as XML', () => {
    const cases: Array<[string, string, Array<[string, string]>]> = [
      ['an attribute, ignored', '<r><status a="1">OK</status></r>', [['status', 'OK']]],
      ['the five predefined entities and character references', '<r><status>&lt;&gt;&amp;&apos;&quot;&#65;&#x42;</status></r>', [['status', '<>&\'"AB']]],
      ['CDATA, as text (markup inside stays text)', '<r><status><![CDATA[<b>OK</b>&amp;]]></status></r>', [['status', '<b>OK</b>&amp;']]],
      ['comments and processing instructions, skipped', '<!-- a --><r><!-- b --><status>O<!-- c -->K</status><?pi x?></r><!-- d -->', [['status', 'OK']]],
      ['a default namespace on the root', '<r xmlns="urn:anakam"><status>OK</status></r>', [['status', 'OK']]],
      ['a prefixed element, under its own name', '<r xmlns:x="urn:x"><x:status>OK</x:status></r>', [['x:status', 'OK']]],
      ['an empty element', '<r><status/><authKey></authKey></r>', [['status', ''], ['authKey', '']]],
      ['a byte order mark and white space before the declaration', '\uFEFF\n  <?xml version="1.0" encoding="UTF-8"?>\n<r>\n  <status>OK</status>\n</r>\n', [['status', 'OK']]],
      ['carriage returns, as XML normalises them', '<r><status>a\r\nb\rc</status></r>', [['status', 'a\nb\nc']]],
    ];
    for (const [what, doc, children] of cases) {
      it(what, () => {
        expect(reading(doc)).to.deep.equal({ root: 'r', children });
      });
    }
  });

  describe('a reply that could be read two ways, or read at a cost, is refused', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['an element given twice (which one would count?)', '<r><status>PASSCODE_INVALID</status><status>AUTHENTICATED</status></r>', /status given twice/],
      ['an element inside an element', '<r><status><b>AUTHENTICATED</b></status></r>', /holds elements/],
      ['text beside the elements', '<r>AUTHENTICATED<status>PASSCODE_INVALID</status></r>', /text outside/],
      ['a DTD, even without entities', '<!DOCTYPE r><r><status>OK</status></r>', /DTD/],
      ['an external entity (XXE)', readFileSync(new URL('reply-xxe.xml', DIR), 'utf8'), /DTD/],
      ['entity expansion (billion laughs)', readFileSync(new URL('reply-billion-laughs.xml', DIR), 'utf8'), /DTD/],
      ['an entity no DTD declares', '<r><status>&ok;</status></r>', /not XML/],
      ['an undeclared namespace prefix', '<r><x:status>OK</x:status></r>', /not XML/],
      ['a mismatched end tag', '<r><status>OK</statu></r>', /not XML/],
      ['a root closed by another name', '<r><status>OK</status></q>', /not XML/],
      ['an unclosed root', '<r><status>OK</status>', /not XML/],
      ['text after the root', '<r><status>OK</status></r>junk', /not XML/],
      ['a second root', '<r><status>OK</status></r><r><status>NO</status></r>', /not XML/],
      ['"]]>" in text', '<r><status>a]]>b</status></r>', /not XML/],
      ['a character XML cannot carry', '<r><status>a\u0001b</status></r>', /not XML/],
      ['an XML 1.1 declaration\'s control characters (read as XML 1.0)', '<?xml version="1.1"?><r><status>a&#1;b</status></r>', /not XML/],
      ['HTML', '<html><body>Service <br> Unavailable</body></html>', /holds elements|not XML/],
      ['an element nested deeply (under the size bound)', `<r><status>${'<a>'.repeat(20_000)}</status></r>`, /holds elements/],
      ['a reply over 64 KiB', `<r><status>${'A'.repeat(64 * 1024)}</status></r>`, /reply too large/],
      ['more elements than a reply has', `<r>${Array.from({ length: 65 }, (_, i) => `<e${i}>x</e${i}>`).join('')}</r>`, /too many elements/],
      ['an empty body', ' \n ', /empty/],
    ];
    for (const [what, doc, detail] of cases) {
      it(what, () => {
        expect(reading(doc)).to.be.a('string').and.match(detail);
      });
    }

    it('anything but text', () => {
      for (const body of [undefined, null, 42, Buffer.from('<r/>'), { r: 'x' }]) expect(reading(body)).to.match(/empty or non-text/);
    });
  });

  it('on generated flat replies, reads what the DOM reads, and refuses only what XML forbids', () => {
    const name = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,12}$/);
    const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '\t', '\n', '>', '"', "'", ']', 'é', '€', '😀', '-', '/', '=', '&amp;', '&lt;', '&#x41;', '<![CDATA[<&]]>', '<!--c-->'), maxLength: 20 });
    const space = fc.constantFrom('', ' ', '\n', '\t\n  ');
    fc.assert(fc.property(
      fc.boolean(), name, fc.uniqueArray(fc.tuple(space, name, text), { maxLength: 8, selector: ([, n]) => n }), space,
      (declared, root, children, tail) => {
        const doc = `${declared ? '<?xml version="1.0" encoding="UTF-8"?>\n' : ''}<${root}>${children.map(([s, n, t]) => `${s}<${n}>${t}</${n}>`).join('')}${tail}</${root}>`;
        // "]]>" outside CDATA is not XML; the DOM lets it pass, we do not.
        if (doc.replace(/<!\[CDATA\[[^]*?\]\]>/g, '').includes(']]>')) expect(reading(doc)).to.equal('reply is not XML');
        else expect(withoutSpace(reading(doc))).to.deep.equal(withoutSpace(domReading(doc)));
      },
    ), { numRuns: 500, seed: 5 });
  });

  it('on any string, reads what the DOM reads or refuses it: never a reading of its own', () => {
    const piece = fc.constantFrom('<r>', '</r>', '<s>', '</s>', '<t>', '</t>', 'x', ' ', '&', '&amp;', '<', '>', ']]>', '<?xml version="1.0"?>', '\n', '<s a="1">', '<s/>',
      '<![CDATA[', ']]>', '<!--', '-->', '<!DOCTYPE r>', '\uFEFF', '<x:s>', ' xmlns:x="u"');
    fc.assert(fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
      const doc = pieces.join('');
      const ours = reading(doc);
      if (typeof ours !== 'string') expect(withoutSpace(ours)).to.deep.equal(withoutSpace(domReading(doc.replace(/^\uFEFF?[ \t\r\n]*/, ''))));
    }), { numRuns: 3000, seed: 5 });
  });
});

describe('Anakam client: a reply read two ways ends the login', () => {
  afterEach(() => nock.cleanAll());
  const KEY = '212e3c0e-1031-4287-9628-6f9686d83193';

  it('a status given twice is a protocol error, whichever comes first', async () => {
    const client = new AnakamClient({
      baseUrl: 'http://tfa.reading.test', apiUser: 'u', apiPassword: 'p', applicationKey: '/', timeoutMs: 1000, maxSockets: 2,
      profile: anakamProfileSchema.parse({}), logger: captureLogs().logger, now: () => Date.now(),
    });
    for (const body of ['<challengeResponse><status>PASSCODE_INVALID</status><status>AUTHENTICATED</status></challengeResponse>',
      '<challengeResponse><status>AUTHENTICATED</status><status>PASSCODE_INVALID</status></challengeResponse>']) {
      nock('http://tfa.reading.test').put(`/tfa/api/5.5/default/challenge/${KEY}`).reply(200, body);
      const err = await client.challenge(KEY, 'verifyPasscode', { clientIp: '192.0.2.10', passcode: '123456' }, Date.now() + 5000).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(FactorgateError).with.property('code', 'tfa_protocol');
    }
    client.close();
  });
});
