/**
 * What rules can see at the point a policy is tried. Everything is optional at run time in the
 * sense that evaluation never throws on a missing or malformed value: it counts as absent, and
 * any comparison with an absent value is false.
 */
export type RuleContext = {
  /** The client's address as factorgate sees it (after trustProxy); '' or 'unknown' when not known. */
  client: { ip: string };
  user: {
    /** The user's key (src/identity/user_names.ts). */
    name: string;
    /** The realm the typed name carried, '' for none. */
    realm?: string;
    /** Groups from the directory (LDAP memberOf values, usually DNs); undefined until known. */
    groups?: readonly string[];
  };
  /** Headers of the request being handled, by lower-case name, as Node gives them. */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** Now, in epoch milliseconds (from the injected clock: rules stay pure). */
  now: number;
  device: {
    /** The browser sent a remembered-device cookie. */
    presented: boolean;
    /** That cookie opened: factorgate's seal, this user, not expired. The two-factor server's verdict is ANAKAM_DEVICE's. */
    accepted: boolean;
  };
  /** What the provider policies (the providers section) choose for this login; absent in tests that do not say. */
  providers?: { choice: string };
  /** Factors that have succeeded so far in this login, in order (the engine fills this in). */
  succeeded: readonly string[];
};

/** What the caller knows; the engine adds `succeeded` from its own state. */
export type RuleFacts = Omit<RuleContext, 'succeeded'>;
