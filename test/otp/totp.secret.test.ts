import { expect } from 'chai';
import { Secret } from 'otpauth';
import { Totp } from '../../src/otp/totp.js';

describe('TOTP: secrets and the otpauth:// URI (src/otp/totp.ts)', () => {
  const totp = new Totp();

  it('makes secrets of 160 bits, base32 without padding, all different', () => {
    const secrets = Array.from({ length: 200 }, () => totp.generateSecret());
    for (const secret of secrets) {
      expect(secret).to.match(/^[A-Z2-7]{32}$/);
      expect(Secret.fromBase32(secret).bytes.length).to.equal(20);
    }
    expect(new Set(secrets).size).to.equal(secrets.length);
  });

  it('makes longer secrets when told, and never shorter than 160 bits', () => {
    expect(Secret.fromBase32(new Totp({ secretBytes: 32 }).generateSecret()).bytes.length).to.equal(32);
    expect(() => new Totp({ secretBytes: 19 })).to.throw(RangeError);
    expect(() => new Totp({ secretBytes: 16 })).to.throw(RangeError);
  });

  it('refuses to check a code against a secret under 160 bits', () => {
    const short = Secret.fromUTF8('1234567890123456').base32; // 128 bits
    expect(() => totp.verify(short, '123456', Date.now())).to.throw(RangeError);
  });

  it('refuses settings outside RFC 4226 and RFC 6238 practice', () => {
    for (const bad of [{ digits: 5 }, { digits: 9 }, { period: 0 }, { period: 10 }, { issuer: 'a:b' }, { issuer: '' }, { algorithm: 'MD5' as 'SHA1' }]) {
      expect(() => new Totp(bad), JSON.stringify(bad)).to.throw(RangeError);
    }
  });

  it('gives the Key URI Format: issuer factorgate, label issuer:user, SHA1, 6 digits, 30 s', () => {
    const secret = totp.generateSecret();
    const uri = new URL(totp.uri(secret, 'alice'));
    expect(uri.protocol).to.equal('otpauth:');
    expect(uri.host).to.equal('totp');
    expect(decodeURIComponent(uri.pathname)).to.equal('/factorgate:alice');
    expect(Object.fromEntries(uri.searchParams)).to.deep.equal({ issuer: 'factorgate', secret, algorithm: 'SHA1', digits: '6', period: '30' });
  });

  it('follows the configured issuer, algorithm, digits and period', () => {
    const custom = new Totp({ issuer: 'Example VPN', algorithm: 'SHA256', digits: 8, period: 60 });
    const uri = new URL(custom.uri(custom.generateSecret(), 'bob'));
    expect(decodeURIComponent(uri.pathname)).to.equal('/Example VPN:bob');
    expect(uri.searchParams.get('issuer')).to.equal('Example VPN');
    expect(uri.searchParams.get('algorithm')).to.equal('SHA256');
    expect(uri.searchParams.get('digits')).to.equal('8');
    expect(uri.searchParams.get('period')).to.equal('60');
  });

  it('encodes a user name with special characters so it cannot add parameters or change the label', () => {
    const uri = new URL(totp.uri(totp.generateSecret(), 'eve&secret=AAAA:x/y?z#w'));
    expect(uri.searchParams.getAll('secret')).to.have.length(1);
    expect(uri.hash).to.equal('');
    expect(decodeURIComponent(uri.pathname)).to.equal('/factorgate:eve&secret=AAAA:x/y?z#w');
  });
});
