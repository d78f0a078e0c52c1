import { expect } from 'chai';
import { routeTable } from '../../src/proxy/guard.js';
import { cachedLoginPageInjector, injectIntoLoginPage } from '../../src/proxy/login_page/inject_login_page.js';

const table = routeTable({ guardedPaths: ['/cgi/login'], loginTarget: '/cgi/login', loginPage: '/vpn/index.html' });
const injection = { csrfFieldName: 'fg_csrf', csrfToken: 'tok-123.sig' };
const inject = (page: string, csrfToken = injection.csrfToken) => injectIntoLoginPage(page, table, { ...injection, csrfToken });

const ASSET_BLOCK = /<link rel="stylesheet" href="\/mfa\/static\/factorgate\.css"><script src="\/mfa\/static\/factorgate\.js" defer><\/script>/;
const count = (text: string, part: string) => text.split(part).length - 1;

/** Reads the value of the hidden CSRF field back as a browser would. */
function csrfFieldValue(html: string): string | undefined {
  const match = /<input type="hidden" name="fg_csrf" value="([^"]*)">/.exec(html);
  if (!match) return undefined;
  return match[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The start tags of every form in the output. */
const formTags = (html: string) => html.match(/<form\b[^>]*>/gi) ?? [];

describe('login page injection (src/proxy/login_page/inject_login_page.ts)', () => {
  describe('forms posting to the guarded target', () => {
    for (const action of ['/cgi/login', '/CGI/Login', 'https://gateway.example/cgi/login', 'HTTP://GW/cgi/login', '../cgi/login', '/cgi/login?lang=en', '//other.example/cgi/login', '/cgi//login']) {
      it(`rewrites a form whose action is ${JSON.stringify(action)} to post to /mfa/login`, async () => {
        const { html, formsRewritten } = await inject(`<form method="post" action="${action}"><input name="login"></form>`);
        expect(formsRewritten).to.equal(1);
        const [tag] = formTags(html);
        expect(tag).to.include('action="/mfa/login"');
        expect(tag).to.include('method="post"');
        expect(tag).to.include('data-factorgate="login"');
        expect(html).not.to.match(/cgi\/login/i);
      });
    }

    it('makes a GET form, or one without a method, post', async () => {
      const { html } = await inject('<form method="GET" action="/cgi/login"></form><form action="/cgi/login"></form>');
      const tags = formTags(html);
      expect(tags).to.have.length(2);
      for (const tag of tags) {
        expect(tag).to.include('method="post"');
        expect(tag).not.to.match(/method="get"/i);
      }
    });

    it('adds the hidden CSRF field as the first thing inside the form', async () => {
      const { html } = await inject('<form action="/cgi/login"><input name="login"></form>');
      expect(html).to.match(/<form [^>]*data-factorgate="login"><input type="hidden" name="fg_csrf" value="tok-123\.sig"><input name="login"><\/form>/);
    });

    it('resolves a relative action against the login page\'s own location', async () => {
      // A page at /cgi/index.html with action="login" makes the browser post to /cgi/login.
      const beside = routeTable({ guardedPaths: [], loginTarget: '/cgi/login', loginPage: '/cgi/index.html' });
      const { html, formsRewritten } = await injectIntoLoginPage('<form method="post" action="login"></form>', beside, injection);
      expect(formsRewritten).to.equal(1);
      expect(formTags(html)[0]).to.include('action="/mfa/login"');
    });

    it('counts every rewritten form and only those', async () => {
      const page = '<form action="/cgi/login"></form><form action="/search"></form><form action="/CGI/LOGIN"></form><form></form><form action="https://gw/cgi/login"></form>';
      const { formsRewritten, html } = await inject(page);
      expect(formsRewritten).to.equal(3);
      expect(count(html, 'name="fg_csrf"')).to.equal(3);
    });
  });

  describe('other forms', () => {
    for (const action of ['/search', '/cgi/loginx', '/vpn/index.html', '/mfa/login', 'javascript:void(0)']) {
      it(`leaves a form posting to ${JSON.stringify(action)} exactly as it was`, async () => {
        const form = `<form  method=POST action='${action}' class=x><input name=q></form>`;
        const { html, formsRewritten } = await inject(`<p>${form}</p>`);
        expect(formsRewritten).to.equal(0);
        expect(html).to.include(form);
        expect(html).not.to.include('fg_csrf');
      });
    }

    it('leaves a form without an action exactly as it was', async () => {
      const { html, formsRewritten } = await inject('<div><form method="post"><input name="login"></form></div>');
      expect(formsRewritten).to.equal(0);
      expect(html).to.include('<div><form method="post"><input name="login"></form></div>');
    });

    it('does not rewrite form markup inside comments or scripts', async () => {
      const page = '<!-- <form action="/cgi/login"> --><script>document.write(\'<form action="/cgi/login">\')</script>';
      const { html, formsRewritten } = await inject(page);
      expect(formsRewritten).to.equal(0);
      expect(html).to.include(page);
    });
  });

  describe('the CSRF token', () => {
    for (const token of ['"><script>alert(1)</script>', "' onfocus='alert(1)", 'a&quot;b', '<img src=x onerror=alert(1)>', 'a"b<c>d&e\'f']) {
      it(`cannot break out of the hidden field: ${token}`, async () => {
        const { html } = await inject('<form action="/cgi/login"></form>', token);
        expect(csrfFieldValue(html)).to.equal(token);
        expect(html).not.to.include('<script>alert');
        expect(html).not.to.include('<img');
        expect(count(html, '<input')).to.equal(1);
      });
    }

    it('escapes the field name as well', async () => {
      const { html } = await injectIntoLoginPage('<form action="/cgi/login"></form>', table, { csrfFieldName: 'x"><b', csrfToken: 't' });
      expect(html).to.include('name="x&quot;&gt;&lt;b"');
      expect(html).not.to.include('<b');
    });
  });

  describe('assets', () => {
    it('adds the stylesheet and script once, at the end of the head', async () => {
      const { html } = await inject('<html><head><title>t</title></head><body><p>x</p></body></html>');
      expect(count(html, 'factorgate.css')).to.equal(1);
      expect(count(html, 'factorgate.js')).to.equal(1);
      expect(html).to.match(new RegExp(`<title>t</title>${ASSET_BLOCK.source}</head><body>`));
    });

    it('adds them before the body when the head is not closed', async () => {
      const { html } = await inject('<html><head><title>t</title><body><p>x</p></body></html>');
      expect(count(html, 'factorgate.js')).to.equal(1);
      expect(html).to.match(new RegExp(`<title>t</title>${ASSET_BLOCK.source}<body>`));
    });

    it('adds them at the end of a page with no head, body or html tags', async () => {
      const { html } = await inject('<p>just a fragment</p>');
      expect(count(html, 'factorgate.js')).to.equal(1);
      expect(html).to.match(new RegExp(`^<p>just a fragment</p>${ASSET_BLOCK.source}$`));
    });

    it('adds them once to an empty page', async () => {
      const { html } = await inject('');
      expect(html).to.match(new RegExp(`^${ASSET_BLOCK.source}$`));
    });

    it('does not take a </head> inside a script for the end of the head', async () => {
      const { html } = await inject('<head><script>var s = "</he" + "ad>"; var t = "</head>";</script></head><body></body>');
      expect(count(html, 'factorgate.js')).to.equal(1);
      expect(html).to.match(new RegExp(`</script>${ASSET_BLOCK.source}</head><body>`));
    });
  });

  describe('the rest of the page', () => {
    it('is kept byte for byte around the changes', async () => {
      const head = '<!DOCTYPE html>\r\n<HTML lang=de>\n<Head>\n<meta charset=utf-8>\n'
        + '<!-- keep: <b>comment</b> -->\n<script>if (a < b && c > d) x = "&amp;";</script>\n'
        + '<style>p > b { content: "<>" }</style>\n<title>Gateway &amp; Co &#169;</title>\n';
      const bodyStart = '</HEAD>\n<BODY class=\'login\' data-x="1&amp;2">\n<p>Text &copy; <b>bold<i>nested</b> unclosed <p>para\n'
        + '<img src=logo.png alt="a &quot;quoted&quot; logo">\n';
      const formOpen = '<FORM NAME=vpnForm METHOD=POST ACTION="/cgi/login" autocomplete=off>';
      const formRest = '\n  <input type=text name=login value="">\n  <INPUT type=password name=passwd>\n  <input type=submit value="Log On">\n</FORM>\n'
        + '<form action="/search" method=get><input name=q></form>\n<textarea></form></textarea>\n</BODY>\n</HTML>\n';
      const page = head + bodyStart + formOpen + formRest;

      const { html, formsRewritten } = await inject(page);
      expect(formsRewritten).to.equal(1);

      // head, untouched, then the assets just before </HEAD>
      expect(html.startsWith(head)).to.equal(true);
      let rest = html.slice(head.length);
      const assets = ASSET_BLOCK.exec(rest);
      expect(assets?.index).to.equal(0);
      rest = rest.slice(assets![0].length);

      // body up to the form, untouched
      expect(rest.startsWith(bodyStart)).to.equal(true);
      rest = rest.slice(bodyStart.length);

      // the rewritten form tag and the hidden field
      const tag = /^<form [^>]*>/.exec(rest)![0];
      expect(tag).to.include('name="vpnForm"');
      expect(tag).to.include('autocomplete="off"');
      expect(tag).to.include('action="/mfa/login"');
      expect(tag).to.include('method="post"');
      rest = rest.slice(tag.length);
      const hidden = '<input type="hidden" name="fg_csrf" value="tok-123.sig">';
      expect(rest.startsWith(hidden)).to.equal(true);

      // everything after it, untouched
      expect(rest.slice(hidden.length)).to.equal(formRest);
    });
  });
});

describe('login page injection, remembered rewrite (cachedLoginPageInjector)', () => {
  const PAGE = '<html><head><title>Gateway</title></head><body><form method="post" action="/cgi/login"><input name="login"><input name="passwd"></form>'
    + '<form action="/cgi/login"><input name="login"></form></body></html>';

  it('gives for a repeated page exactly what a full rewrite gives, each time with that request\'s token', async () => {
    const cached = cachedLoginPageInjector(table, { csrfFieldName: 'fg_csrf' });
    for (const token of ['first.sig', 'second.sig', 'third"<&>.sig']) {
      const got = await cached(PAGE, token);
      expect(got).to.deep.equal(await inject(PAGE, token));
      expect(count(got.html, 'fg_csrf')).to.equal(2);
      expect(csrfFieldValue(got.html)).to.equal(token);
    }
  });

  it('rewrites a page that changed, not the one it remembers', async () => {
    const cached = cachedLoginPageInjector(table, { csrfFieldName: 'fg_csrf' });
    await cached(PAGE, 'a.sig');
    const other = '<html><body><p>maintenance</p><form action="/cgi/login"></form></body></html>';
    const got = await cached(other, 'b.sig');
    expect(got).to.deep.equal(await inject(other, 'b.sig'));
    expect(got.html).to.include('maintenance');
    expect(await cached(PAGE, 'c.sig')).to.deep.equal(await inject(PAGE, 'c.sig'));
  });

  it('a page without a login form gets no token and still counts zero forms', async () => {
    const cached = cachedLoginPageInjector(table, { csrfFieldName: 'fg_csrf' });
    const page = '<html><body><form action="/search"></form></body></html>';
    expect(await cached(page, 'x.sig')).to.deep.equal(await inject(page, 'x.sig'));
    expect((await cached(page, 'y.sig')).formsRewritten).to.equal(0);
  });

  it('keeps the token PIN field of otppin 0 in the remembered rewrite', async () => {
    const cached = cachedLoginPageInjector(table, { csrfFieldName: 'fg_csrf', tokenPinAfter: 'passwd' });
    const full = await injectIntoLoginPage(PAGE, table, { csrfFieldName: 'fg_csrf', csrfToken: 'p.sig', tokenPinAfter: 'passwd' });
    await cached(PAGE, 'warm.sig');
    expect(await cached(PAGE, 'p.sig')).to.deep.equal(full);
    expect(full.html).to.include('name="fg_pin"');
  });
});
