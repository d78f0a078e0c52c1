import { z } from 'zod';
import { FactorgateError } from '../errors.js';

// One user, one key. Every decision factorgate keys by a user (devices, limits, locks, pushes,
// remembered browsers, portal sessions) uses the key made here, and nowhere else is a name
// lower-cased or normalised. Directories and gateways match names loosely ("ALICE", "EU\alice" and
// "alice@eu.example" may all be alice), so a key per spelling would give one person several sets of
// devices and limits: a stolen password could then register a first device under a spelling the
// real user never uses, or escape the user's lockout. What the configuration does not say how to
// read is refused with a message, never guessed.

const realmName = z.string().regex(/^[\p{L}\p{N}._-]{1,128}$/u, 'must be a realm name: letters, digits, ".", "_" or "-"');

export const userNamesSchema = z.object({
  realms: z.enum(['refuse', 'strip', 'require']).default('refuse')
    .describe('Names with a realm (EU\\alice, alice@eu.example): refuse them (sign in with the plain name), strip one of realmNames (EU\\alice is alice), or require one of realmNames (the key is alice@<first of realmNames>).'),
  realmNames: z.array(realmName).max(20).default([])
    .describe('The spellings of your one realm that strip and require accept, e.g. [EU, eu.example]: the NetBIOS name and the UPN suffix of the same domain. The first is the one keys carry.'),
  compatibilityCharacters: z.enum(['refuse', 'fold']).default('refuse')
    .describe('Names that change under Unicode NFKC (full-width letters such as ａｌｉｃｅ, ligatures): refuse them, or fold them to their plain form.'),
  gatewayName: z.enum(['canonical', 'typed']).default('canonical')
    .describe('The name replayed to the gateway: the canonical key (lower case, realm handled as above; with ldap, the directory\'s account name), or the name as the user typed it (for a gateway that matches names case-sensitively).'),
}).superRefine((users, ctx) => {
  if (users.realms !== 'refuse' && users.realmNames.length === 0) {
    ctx.addIssue({ code: 'custom', path: ['realmNames'], message: `required when realms is ${users.realms}: the realm spellings to accept` });
  }
});

export type UserNamesConfig = z.infer<typeof userNamesSchema>;

/** A user as factorgate keys them, and the name the gateway is to receive. */
export type UserName = {
  /** The one key for this user. */
  key: string;
  /** The realm the name carried (as listed in realmNames, lower case), '' for none. */
  realm: string;
  /** What the replay posts to the gateway (users.gatewayName). */
  forGateway: string;
};

/** Why a name was refused; each has its own message for the user (src/errors.ts). */
export type NameRefusal = 'user_name_realm' | 'user_name_realm_required' | 'user_name_realm_unknown' | 'user_name_characters';

/** NFKC, lower case, NFKC again (lower-casing can leave a form NFKC would change). Idempotent. */
export function foldName(name: string): string {
  return name.normalize('NFKC').toLowerCase().normalize('NFKC');
}

/** A name's local part and realm: DOMAIN\user or user@realm; undefined when it is neither plain nor one of those. */
function split(name: string): { local: string; realm: string } | undefined {
  const backslashes = name.split('\\').length - 1;
  const ats = name.split('@').length - 1;
  if (backslashes === 0 && ats === 0) return { local: name, realm: '' };
  if (backslashes + ats > 1) return undefined; // EU\alice@x, a@b@c: no one reading
  if (backslashes === 1) {
    const [realm, local] = name.split('\\') as [string, string];
    return realm && local ? { local, realm } : undefined;
  }
  const at = name.indexOf('@');
  return at > 0 && at < name.length - 1 ? { local: name.slice(0, at), realm: name.slice(at + 1) } : undefined;
}

export class UserNames {
  private readonly realms: Map<string, string>;

  constructor(private readonly config: UserNamesConfig) {
    const canonicalRealm = config.realmNames[0] === undefined ? '' : foldName(config.realmNames[0]);
    // Every listed spelling stands for the first one.
    this.realms = new Map(config.realmNames.map((name) => [foldName(name), canonicalRealm]));
  }

  /** The user behind a typed name (already checked for shape), or a FactorgateError saying how to type it. */
  fromTyped(typed: string): UserName {
    const readable = typed.normalize('NFC');
    const folded = readable.normalize('NFKC');
    if (folded !== readable && this.config.compatibilityCharacters === 'refuse') throw refusal('user_name_characters', 'name changes under NFKC');
    const parts = split(folded);
    if (!parts) throw refusal('user_name_realm', 'name has more than one realm separator');
    const local = foldName(parts.local);
    let realm = '';
    if (parts.realm !== '') {
      if (this.config.realms === 'refuse') throw refusal('user_name_realm', 'name carries a realm');
      const listed = this.realms.get(foldName(parts.realm));
      if (listed === undefined) throw refusal('user_name_realm_unknown', 'name carries a realm not in users.realmNames');
      realm = listed;
    } else if (this.config.realms === 'require') {
      throw refusal('user_name_realm_required', 'name carries no realm');
    }
    const key = this.config.realms === 'require' ? `${local}@${realm}` : local;
    return { key, realm, forGateway: this.config.gatewayName === 'typed' ? readable : key };
  }

  /** The user as the directory names them (its account attribute, after a bind): the key replaces the typed one. */
  fromDirectory(account: string, typed: UserName): UserName {
    const key = foldName(account);
    return { key, realm: typed.realm, forGateway: this.config.gatewayName === 'typed' ? typed.forGateway : key };
  }
}

function refusal(code: NameRefusal, detail: string): FactorgateError {
  return new FactorgateError(code, `user name refused: ${detail}`);
}
