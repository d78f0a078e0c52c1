import { expect } from 'chai';
import fc from 'fast-check';
import { readTypedCode } from '../../src/typed_code.js';
import { readAnswer } from '../../src/login/read/read_answer.js';
import { readLoginFields } from '../../src/flows/fields.js';
import { STEP, addDevice, csrfOf, follow, postPassword, PASSWORDS, signedIn, startPortal, type PortalUnderTest } from './helpers/portal_app.js';

// A code is read one way wherever it is typed (src/typed_code.ts): "123 456", "123-456" and
// "123–456" are 123456 at the login's passcode field, in a flow's otp field and on /manageotp.

const spaced = (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`;
const dashed = (code: string) => `${code.slice(0, 3)}-${code.slice(3)}`;

describe('codes as people type them', () => {
  describe('the one reading (src/typed_code.ts)', () => {
    it('drops white space, hyphens, Unicode dashes and the minus sign; keeps everything else for the shape check', () => {
      expect(readTypedCode('123 456')).to.equal('123456');
      expect(readTypedCode(' 12-34\u00a056\t')).to.equal('123456');
      expect(readTypedCode('123\u2013456')).to.equal('123456');
      expect(readTypedCode('123\u2212456')).to.equal('123456');
      expect(readTypedCode('123.456')).to.equal('123.456');
      expect(readTypedCode('12<3')).to.equal('12<3');
    });

    it('reads nothing that is not a string or is longer than any code with separators', () => {
      for (const typed of [undefined, null, 123456, ['123456'], { code: '123456' }, '1'.repeat(33)]) expect(readTypedCode(typed), JSON.stringify(typed)).to.equal(undefined);
      expect(readTypedCode('1'.repeat(32))).to.equal('1'.repeat(32));
    });

    it('the login\'s passcode field and a flow\'s otp field read a code exactly as the portal does', () => {
      const separator = fc.constantFrom(' ', '-', '\u2010', '\u2013', '\u2014', '\u2212', '\t', '\u00a0');
      const typed = fc.tuple(fc.stringMatching(/^[0-9]{6,8}$/), fc.array(fc.tuple(fc.nat(8), separator), { maxLength: 3 }))
        .map(([code, cuts]) => cuts.reduce((text, [at, sep]) => text.slice(0, at) + sep + text.slice(at), code));
      const schema = { fields: [{ name: 'code', label: 'Code', type: 'otp' as const }] };
      fc.assert(fc.property(typed, (text) => {
        const portal = readTypedCode(text);
        const fields = readLoginFields(schema, { code: text });
        return portal !== undefined && /^[0-9]{6,8}$/.test(portal) && readAnswer({ passcode: text }).passcode === portal && fields.ok && fields.fields.get('code') === portal;
      }), { numRuns: 500 });
    });
  });

  describe('/manageotp accepts them in every code field', () => {
    let portal: PortalUnderTest;
    beforeEach(async () => {
      portal = await startPortal();
    });
    afterEach(() => portal.close());

    it('confirms a new device with "123-456", tests it with "123 456", and signs in with "123 456"', async () => {
      const { browser, page } = await signedIn(portal);
      const { id, setup, secret } = await addDevice(browser, csrfOf(page.body));
      const confirmed = await browser.post(`/manageotp/devices/${id}/confirm`, { code: dashed(portal.totp.codeAt(secret, portal.clock.now())), csrf: csrfOf(setup.body) });
      expect(confirmed.headers.get('location')).to.equal('/manageotp?m=device_confirmed');

      portal.clock.advance(STEP);
      const tested = await browser.post(`/manageotp/devices/${id}/test`, { code: spaced(portal.totp.codeAt(secret, portal.clock.now())), csrf: csrfOf(setup.body) });
      expect(tested.headers.get('location')).to.equal(`/manageotp/devices/${id}?m=code_works`);

      portal.clock.advance(STEP);
      const other = portal.browser();
      const codePage = await follow(other, await postPassword(other, 'alice', PASSWORDS.alice!));
      const signedInWithCode = await other.post('/manageotp/code', { code: ` ${spaced(portal.totp.codeAt(secret, portal.clock.now()))} `, csrf: csrfOf(codePage.body) });
      expect(signedInWithCode.headers.get('location')).to.equal('/manageotp?m=signed_in');
    });

    it('lets the browser send a spaced code: the code fields carry no digits-only pattern', async () => {
      const { browser, page } = await signedIn(portal);
      const { setup } = await addDevice(browser, csrfOf(page.body));
      expect(setup.body).to.match(/<input id="fg-confirm-code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="16" required>/);
      expect(setup.body).not.to.include('pattern=');
    });
  });
});
