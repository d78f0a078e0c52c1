import { expect } from 'chai';
import { html, SafeHtml } from '../../src/http/html.js';

describe('html template (src/http/html.ts)', () => {
  it('escapes markup in an interpolated string', () => {
    const name = '<script>alert(1)</script>';
    expect(html`<p>${name}</p>`.value).to.equal('<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>');
  });

  it('escapes quotes and ampersands so a value cannot leave its attribute', () => {
    expect(html`<input value="${'" onfocus="x'}">`.value).to.equal('<input value="&quot; onfocus=&quot;x">');
    expect(html`<input value='${"' onfocus='x"}'>`.value).to.equal('<input value=\'&#39; onfocus=&#39;x\'>');
    expect(html`<a href="?a=${'1&b=2'}">`.value).to.equal('<a href="?a=1&amp;b=2">');
  });

  it('escapes an already escaped string again, since a plain string is text', () => {
    expect(html`${'&lt;'}`.value).to.equal('&amp;lt;');
  });

  it('keeps the literal parts of the template as written', () => {
    expect(html`<b class="x">&amp;</b>`.value).to.equal('<b class="x">&amp;</b>');
  });

  it('inserts nested SafeHtml as is, without escaping it twice', () => {
    const inner = html`<em>${'a & b'}</em>`;
    expect(html`<p>${inner}</p>`.value).to.equal('<p><em>a &amp; b</em></p>');
  });

  it('joins arrays, escaping strings and keeping SafeHtml', () => {
    const items = ['<a>', 'b&c'].map((item) => html`<li>${item}</li>`);
    expect(html`<ul>${items}</ul>`.value).to.equal('<ul><li>&lt;a&gt;</li><li>b&amp;c</li></ul>');
    expect(html`${['<x>', new SafeHtml('<y>'), [1, '<z>']]}`.value).to.equal('&lt;x&gt;<y>1&lt;z&gt;');
  });

  it('renders false, undefined and null as nothing', () => {
    const show = false;
    expect(html`[${show && html`<b>hidden</b>`}][${undefined}][${null}]`.value).to.equal('[][][]');
  });

  it('renders numbers, including 0', () => {
    expect(html`${0} of ${3}`.value).to.equal('0 of 3');
  });

  it('gives SafeHtml whose string form is its markup', () => {
    const out = html`<p>${'x'}</p>`;
    expect(out).to.be.instanceOf(SafeHtml);
    expect(String(out)).to.equal('<p>x</p>');
  });

  it('escapes an object that only pretends to be SafeHtml', () => {
    const fake = { value: '<script>', toString: () => '<script>' } as unknown as string;
    expect(html`${fake}`.value).to.equal('&lt;script&gt;');
  });
});
