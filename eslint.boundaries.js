// The architecture's boundaries, held by the linter (docs/architecture.md draws them). Each rule
// names the folders it binds and the imports they may not make; an import that breaks one fails
// `npm test` with the rule's reason. Imports are matched as written (relative paths), by the
// folder or package they name.

/** A part of src/ by its folder, and an import of it. */
const folder = (name) => `(^|/)${name}/`;
const pkg = (name) => `^${name}(/|$)`;

const RULES = [
  {
    why: 'the flow engine and the providers know nothing of HTTP, the portals or the front door',
    from: ['flows', 'providers'],
    forbid: [folder('login'), folder('manage'), folder('http'), folder('proxy'), '(^|/)app\\.js$', pkg('express')],
  },
  { why: 'a provider never imports another', from: ['providers/anakam'], forbid: [folder('linotp'), folder('totp'), folder('webauthn')] },
  { why: 'a provider never imports another', from: ['providers/linotp'], forbid: [folder('anakam'), folder('totp'), folder('webauthn')] },
  { why: 'a provider never imports another', from: ['providers/totp'], forbid: [folder('anakam'), folder('linotp'), folder('webauthn')] },
  { why: 'a provider never imports another', from: ['providers/webauthn'], forbid: [folder('anakam'), folder('linotp'), folder('totp')] },
  {
    why: 'the vendor\'s XML stays in its adapter (providers/anakam)',
    from: ['*'], except: ['providers/anakam', 'demo'],
    forbid: [pkg('xmlbuilder2'), pkg('saxes')],
  },
  { why: 'the demo and its simulators are never part of the product', from: ['*'], except: ['demo'], forbid: ['(^|/)(demo|simulators)/'] },
  {
    why: 'the adapters (stores, directory, callouts, the gateway) know nothing of the login or the portals',
    from: ['state', 'ldap', 'otp', 'outbound', 'gateway', 'security', 'identity'],
    forbid: [folder('login'), folder('manage'), folder('proxy'), '(^|/)app\\.js$'],
  },
  { why: 'the two portals do not reach into each other', from: ['login'], forbid: [folder('manage')] },
  { why: 'the two portals do not reach into each other', from: ['manage'], forbid: [folder('login')] },
  {
    why: 'the administrator\'s tools work on the stores and the login record alone, never on the portals\' pages or the front door',
    from: ['admin'],
    forbid: ['(^|/)login/(?!record\\.js$)', folder('manage'), folder('proxy'), folder('http'), '(^|/)app\\.js$', '(^|/)factorgate\\.js$', pkg('express')],
  },
  {
    why: 'the administrator\'s web view works through the administrator\'s actions and the shared pages, never through the login\'s or the portal\'s code or the front door',
    from: ['adminweb'],
    forbid: ['(^|/)login/(?!record\\.js$)', folder('manage'), folder('proxy'), '(^|/)app\\.js$', '(^|/)factorgate\\.js$'],
  },
  {
    why: 'the edge configuration is written from the configuration and the guard\'s rules alone, never from the login, the portals or the running app',
    from: ['edge'],
    forbid: [folder('login'), folder('manage'), folder('flows'), folder('providers'), folder('state'), '(^|/)app\\.js$', '(^|/)factorgate\\.js$', pkg('express')],
  },
];

/** The folders of src/ the rules speak of, and everything else under src/ as one more part. */
const PARTS = ['flows', 'providers/anakam', 'providers/linotp', 'providers/totp', 'providers/webauthn', 'providers', 'state', 'ldap', 'otp', 'outbound', 'gateway',
  'security', 'identity', 'login', 'manage', 'proxy', 'http', 'config', 'ops', 'demo', 'edge', 'admin', 'adminweb'];

const covers = (from, part) => from.some((f) => f === '*' || part === f || part.startsWith(`${f}/`));

function restrictionsOf(part) {
  return RULES.filter((rule) => covers(rule.from, part) && !covers(rule.except ?? [], part))
    .flatMap((rule) => rule.forbid.map((regex) => ({ regex, message: rule.why })));
}

// Flat config takes the last entry that sets a rule for a file, so each part gets one entry with
// every restriction that binds it, and the parts do not overlap.
const byPart = PARTS.map((part) => ({
  files: [`src/${part}/**/*.ts`],
  ignores: PARTS.filter((other) => other !== part && other.startsWith(`${part}/`)).map((other) => `src/${other}/**`),
  rules: { 'no-restricted-imports': ['error', { patterns: restrictionsOf(part) }] },
}));

const topLevel = {
  files: ['src/*.ts'],
  ignores: ['src/cli.ts'],
  rules: { 'no-restricted-imports': ['error', { patterns: restrictionsOf('.') }] },
};

/** Only the configuration reads the environment (and the command line, which starts the demo). */
const environment = {
  files: ['src/**/*.ts'],
  ignores: ['src/config/**', 'src/cli.ts', 'src/demo/**'],
  rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'only src/config/ reads the environment: take the setting from the configuration' }] },
};

export const boundaries = [...byPart, topLevel, environment];
