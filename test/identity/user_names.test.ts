import { expect } from 'chai';
import fc from 'fast-check';
import { FactorgateError } from '../../src/errors.js';
import { UserNames, foldName, userNamesSchema, type UserNamesConfig } from '../../src/identity/user_names.js';

const names = (config: Partial<UserNamesConfig> = {}) => new UserNames(userNamesSchema.parse(config));

function refusedAs(make: () => unknown): string {
  try {
    make();
  } catch (err) {
    expect(err).to.be.instanceOf(FactorgateError);
    return (err as FactorgateError).code;
  }
  expect.fail('the name was accepted');
}

describe('user names (src/identity/user_names.ts)', () => {
  describe('by default', () => {
    const users = names();

    it('keys a name by its lower case, and sends the key to the gateway', () => {
      expect(users.fromTyped('Alice')).to.deep.equal({ key: 'alice', realm: '', forGateway: 'alice' });
      expect(users.fromTyped('ALICE').key).to.equal(users.fromTyped('alice').key);
      expect(users.fromTyped('Jürgen').key).to.equal('jürgen');
    });

    it('takes a name typed in decomposed form (NFD) as the same user: canonically equivalent text is the same text', () => {
      expect(users.fromTyped('Jürgen'.normalize('NFD')).key).to.equal('jürgen'.normalize('NFC'));
    });

    for (const typed of ['EU\\alice', 'CORP\\alice', 'alice@corp.example', 'alice@eu']) {
      it(`refuses ${typed} with a message to type the plain name (no realm is guessed away)`, () => {
        expect(refusedAs(() => users.fromTyped(typed))).to.equal('user_name_realm');
      });
    }

    for (const typed of ['ａｌｉｃｅ', 'ＡＬＩＣＥ', 'ａlice', 'ali\uFB00e', 'alice\u2122']) {
      it(`refuses ${typed}, which NFKC would turn into another name, with a message to type plain letters`, () => {
        expect(refusedAs(() => users.fromTyped(typed))).to.equal('user_name_characters');
      });
    }
  });

  describe('realms: strip', () => {
    const users = names({ realms: 'strip', realmNames: ['EU', 'eu.example'] });

    it('takes EU\\alice, alice@eu.example and alice as the one user alice, any case', () => {
      for (const typed of ['EU\\alice', 'eu\\Alice', 'alice@eu.example', 'alice@EU.Example', 'alice']) {
        expect(users.fromTyped(typed).key, typed).to.equal('alice');
      }
      expect(users.fromTyped('EU\\alice').realm).to.equal('eu');
      expect(users.fromTyped('alice').realm).to.equal('');
    });

    it('refuses a realm not listed, and names with more than one separator', () => {
      expect(refusedAs(() => users.fromTyped('US\\alice'))).to.equal('user_name_realm_unknown');
      expect(refusedAs(() => users.fromTyped('alice@us.example'))).to.equal('user_name_realm_unknown');
      for (const typed of ['EU\\alice@eu.example', 'a@b@eu.example', 'EU\\EU\\alice', '\\alice', 'alice@', '@eu']) {
        expect(refusedAs(() => users.fromTyped(typed)), typed).to.equal('user_name_realm');
      }
    });
  });

  describe('realms: require', () => {
    const users = names({ realms: 'require', realmNames: ['eu.example', 'EU'] });

    it('keys every spelling of the realm as local@first-listed-realm', () => {
      expect(users.fromTyped('alice@EU.example').key).to.equal('alice@eu.example');
      expect(users.fromTyped('EU\\Alice').key).to.equal('alice@eu.example');
    });

    it('refuses a plain name', () => {
      expect(refusedAs(() => users.fromTyped('alice'))).to.equal('user_name_realm_required');
    });
  });

  it('compatibilityCharacters: fold takes full-width letters as the plain name', () => {
    expect(names({ compatibilityCharacters: 'fold' }).fromTyped('ａｌｉｃｅ').key).to.equal('alice');
  });

  it('gatewayName: typed sends the name as typed, in NFC, while the key stays canonical', () => {
    const users = names({ gatewayName: 'typed', realms: 'strip', realmNames: ['EU'] });
    expect(users.fromTyped('EU\\Alice')).to.deep.equal({ key: 'alice', realm: 'eu', forGateway: 'EU\\Alice' });
  });

  describe('fromDirectory', () => {
    it('makes the directory\'s account name the key, and the gateway gets it unless typed names are configured', () => {
      const typed = names().fromTyped('Alice');
      expect(names().fromDirectory('Alice.Smith', typed)).to.deep.equal({ key: 'alice.smith', realm: '', forGateway: 'alice.smith' });
      const keepTyped = names({ gatewayName: 'typed' });
      expect(keepTyped.fromDirectory('alice.smith', keepTyped.fromTyped('Alice'))).to.deep.equal({ key: 'alice.smith', realm: '', forGateway: 'Alice' });
    });
  });

  it('tells the administrator\'s log which rule refused a name (the user sees the code\'s message)', () => {
    const detailOf = (users: UserNames, typed: string): string => {
      try {
        users.fromTyped(typed);
      } catch (err) {
        return (err as FactorgateError).detail;
      }
      return expect.fail(`${typed} was accepted`);
    };
    const plain = names();
    const strip = names({ realms: 'strip', realmNames: ['EU'] });
    const require = names({ realms: 'require', realmNames: ['EU'] });
    expect(detailOf(plain, 'ａｌｉｃｅ')).to.equal('user name refused: name changes under NFKC');
    expect(detailOf(strip, 'EU\\alice@eu')).to.equal('user name refused: name has more than one realm separator');
    expect(detailOf(plain, 'EU\\alice')).to.equal('user name refused: name carries a realm');
    expect(detailOf(strip, 'US\\alice')).to.equal('user name refused: name carries a realm not in users.realmNames');
    expect(detailOf(require, 'alice')).to.equal('user name refused: name carries no realm');
  });

  it('configuration: a realm mode without realmNames is refused at realmNames, naming the mode', () => {
    for (const realms of ['strip', 'require'] as const) {
      const result = userNamesSchema.safeParse({ realms });
      expect(result.success).to.equal(false);
      expect(result.error?.issues).to.deep.equal([
        { code: 'custom', path: ['realmNames'], message: `required when realms is ${realms}: the realm spellings to accept` },
      ]);
    }
  });

  it('configuration: strip and require need realmNames', () => {
    expect(userNamesSchema.safeParse({ realms: 'strip' }).success).to.equal(false);
    expect(userNamesSchema.safeParse({ realms: 'require', realmNames: [] }).success).to.equal(false);
    expect(userNamesSchema.safeParse({ realms: 'strip', realmNames: ['bad realm'] }).success).to.equal(false);
  });

  describe('properties', () => {
    it('folding is idempotent: a key folded again is the same key', () => {
      fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (s) => foldName(foldName(s)) === foldName(s)), { numRuns: 2000 });
    });

    it('every accepted spelling of one user gives one key, and a key is accepted as itself', () => {
      const users = names({ realms: 'strip', realmNames: ['EU', 'eu.example'], compatibilityCharacters: 'fold' });
      const local = fc.stringMatching(/^[a-zA-Z][a-zA-Z0-9._-]{0,15}$/);
      const spelling = (name: string) => fc.constantFrom(name, name.toUpperCase(), `EU\\${name}`, `eu\\${name}`, `${name}@eu.example`, `${name}@EU.EXAMPLE`);
      fc.assert(fc.property(local.chain((name) => fc.tuple(fc.constant(name), spelling(name))), ([name, typed]) => {
        const key = users.fromTyped(typed).key;
        return key === name.toLowerCase() && users.fromTyped(key).key === key;
      }), { numRuns: 500 });
    });
  });
});
