import { expect } from 'chai';
import { FactorgateError } from '../../src/errors.js';
import { readCredentials } from '../../src/identity/read_credentials.js';

const fields = { username: 'login', password: 'passwd' };
const limits = { maxUsernameLength: 32, maxPasswordLength: 64 };
const read = (body: Record<string, unknown>) => readCredentials(body, fields, limits);

function refusal(body: Record<string, unknown>): FactorgateError {
  try {
    read(body);
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return err as FactorgateError;
  }
  expect.fail(`accepted ${JSON.stringify(body)}`);
}

describe('reading the first factor (src/login/read/read_credentials.ts)', () => {
  it('reads the user name and password from the configured fields', () => {
    expect(read({ login: 'alice', passwd: 'alice-pw', other: 'x' })).to.deep.equal({ username: 'alice', password: 'alice-pw' });
  });

  it('uses the configured field names, not fixed ones', () => {
    const body = { user: 'alice', pw: 'secret', login: 'mallory', passwd: 'x' };
    expect(readCredentials(body, { username: 'user', password: 'pw' }, limits)).to.deep.equal({ username: 'alice', password: 'secret' });
  });

  describe('type confusion', () => {
    const notStrings: unknown[] = [['alice'], ['alice', 'bob'], { toString: 'alice' }, { $ne: '' }, 42, true, null, undefined];
    for (const value of notStrings) {
      it(`refuses a user name given as ${JSON.stringify(value) ?? 'undefined'} with invalid_input`, () => {
        const error = refusal({ login: value, passwd: 'alice-pw' });
        expect(error.code).to.equal('invalid_input');
        expect(error.status).to.equal(400);
      });
      it(`refuses a password given as ${JSON.stringify(value) ?? 'undefined'} with invalid_input`, () => {
        expect(refusal({ login: 'alice', passwd: value }).code).to.equal('invalid_input');
      });
    }
  });

  it('refuses an empty user name or password', () => {
    expect(refusal({ login: '', passwd: 'alice-pw' }).code).to.equal('invalid_input');
    expect(refusal({ login: 'alice', passwd: '' }).code).to.equal('invalid_input');
    expect(refusal({}).code).to.equal('invalid_input');
  });

  it('accepts a user name of exactly the maximum length and refuses one character more', () => {
    expect(read({ login: 'a'.repeat(32), passwd: 'pw' }).username).to.have.length(32);
    expect(refusal({ login: 'a'.repeat(33), passwd: 'pw' }).code).to.equal('invalid_input');
  });

  it('accepts a password of exactly the maximum length and refuses one character more', () => {
    expect(read({ login: 'alice', passwd: 'p'.repeat(64) }).password).to.have.length(64);
    expect(refusal({ login: 'alice', passwd: 'p'.repeat(65) }).code).to.equal('invalid_input');
  });

  it('refuses control characters in the user name', () => {
    for (const username of ['ali\u0000ce', 'alice\n', 'alice\r\nX-Injected: 1', 'ali\tce', 'alice\u007f', 'alice\u0085']) {
      expect(refusal({ login: username, passwd: 'pw' }).code, JSON.stringify(username)).to.equal('invalid_input');
    }
  });

  it('refuses control characters in the password but keeps spaces and symbols', () => {
    for (const password of ['pw\u0000', 'pw\n', 'p\rw', '\u001bpw']) {
      expect(refusal({ login: 'alice', passwd: password }).code, JSON.stringify(password)).to.equal('invalid_input');
    }
    expect(read({ login: 'alice', passwd: ' p a<s>s&"\' ' }).password).to.equal(' p a<s>s&"\' ');
  });

  it('refuses markup and other punctuation in user names', () => {
    for (const username of ['<script>', 'alice<b>', 'a&b', 'alice"', 'a/b', 'a;b', 'a=b', '*', '(cn=*)', 'a%00']) {
      expect(refusal({ login: username, passwd: 'pw' }).code, username).to.equal('invalid_input');
    }
  });

  it('refuses user names that begin or end with a space', () => {
    for (const username of [' alice', 'alice ', ' ']) {
      expect(refusal({ login: username, passwd: 'pw' }).code, JSON.stringify(username)).to.equal('invalid_input');
    }
  });

  it('accepts directory user names: DOMAIN\\user, e-mail style, inner spaces, non-Latin scripts', () => {
    for (const username of ['CORP\\alice', 'alice@example.com', 'first.last+tag@example.co.uk', "o'brien", 'Anne Marie', 'jürgen', 'Łukasz', 'иван', '山田太郎', 'मनोज', 'a', '42']) {
      expect(read({ login: username, passwd: 'pw' }).username).to.equal(username);
    }
  });

  it('says in the log detail which check refused, and the length of a refused user name', () => {
    // The user sees one message for all of them; the administrator's log line tells them apart.
    for (const body of [{ login: '', passwd: 'pw' }, { login: 'alice', passwd: '' }, { login: ['alice'], passwd: 'pw' }]) {
      expect(refusal(body).detail, JSON.stringify(body)).to.equal('missing credentials');
    }
    expect(refusal({ login: 'a<b', passwd: 'pw' })).to.deep.include({ detail: 'user name refused by shape', extra: { length: 3 } });
    expect(refusal({ login: 'alice', passwd: 'p\u0000w' })).to.deep.include({ detail: 'password refused by shape', extra: {} });
  });

  it('never puts the password in the error', () => {
    const error = refusal({ login: 'alice', passwd: 'secret-pw\u0000' });
    expect(error.message).not.to.include('secret-pw');
    expect(JSON.stringify(error.extra)).not.to.include('secret-pw');
  });
});
