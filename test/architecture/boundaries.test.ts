import { expect } from 'chai';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { boundaries } from '../../eslint.boundaries.js';

// The boundaries npm test lints for (eslint.boundaries.js, drawn in docs/architecture.md): each
// forbidden import fails, and the allowed ones pass. The rules alone, without the type-aware rules
// (which need the file on disk).
const linter = new ESLint({ overrideConfigFile: true, overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries] });

async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await linter.lintText(code, { filePath: path });
  return result!.messages.map((m) => m.message);
}

const refused = async (path: string, code: string, reason: RegExp) => {
  const found = await problems(path, code);
  expect(found, `${path}: ${code}`).to.have.length(1);
  expect(found[0]).to.match(reason);
};
const allowed = async (path: string, code: string) => expect(await problems(path, code), `${path}: ${code}`).to.deep.equal([]);

describe('architecture: the import boundaries npm test holds (eslint.boundaries.js)', () => {
  it('the flow engine and the providers import nothing of HTTP, the portals or express', async () => {
    await refused('src/flows/engine.ts', "import { x } from '../login/record.js';", /know nothing of HTTP/);
    await refused('src/flows/rules/parser.ts', "import { x } from '../../http/paths.js';", /know nothing of HTTP/);
    await refused('src/providers/registry.ts', "import express from 'express';", /know nothing of HTTP/);
    await refused('src/providers/anakam/client.ts', "import { x } from '../../manage/deps.js';", /know nothing of HTTP/);
    await allowed('src/providers/anakam/client.ts', "import { x } from '../../outbound/http_client.js';");
    await allowed('src/flows/engine.ts', "import { x } from './rules.js';");
  });

  it('a provider never imports another', async () => {
    await refused('src/providers/anakam/anakam_provider.ts', "import { x } from '../linotp/client.js';", /never imports another/);
    await refused('src/providers/linotp/push_provider.ts', "import { x } from '../totp/totp_provider.js';", /never imports another/);
    await refused('src/providers/totp/totp_provider.ts', "import { x } from '../anakam/xml.js';", /never imports another/);
    await allowed('src/providers/totp/totp_provider.ts', "import { x } from '../provider.js';");
  });

  it('the vendor\'s XML library only in its adapter (and the simulator of that server)', async () => {
    await refused('src/login/run.ts', "import { create } from 'xmlbuilder2';", /XML stays in its adapter/);
    await refused('src/providers/linotp/replies.ts', "import { create } from 'xmlbuilder2/lib/x.js';", /XML stays in its adapter/);
    await allowed('src/providers/anakam/xml.ts', "import { create } from 'xmlbuilder2';");
    await allowed('src/demo/simulators/anakam/xml.ts', "import { create } from 'xmlbuilder2';");
  });

  it('the demo is never imported by the product', async () => {
    await refused('src/factorgate.ts', "import { x } from './demo/demo.js';", /never part of the product/);
    await refused('src/login/routes.ts', "import { x } from '../demo/simulators/start.js';", /never part of the product/);
    await allowed('src/demo/demo.ts', "import { x } from './simulators/start.js';");
  });

  it('the administrator\'s tools reach the login record, never the rest of the login, the portals\' pages or the front door', async () => {
    await refused('src/admin/actions.ts', "import { x } from '../login/login.js';", /administrator's tools/);
    await refused('src/admin/actions.ts', "import { x } from '../manage/session.js';", /administrator's tools/);
    await refused('src/admin/open.ts', "import { x } from '../factorgate.js';", /administrator's tools/);
    await allowed('src/admin/actions.ts', "import { x } from '../login/record.js';");
    await allowed('src/admin/open.ts', "import { x } from '../security/limits.js';");
  });

  it('adapters know nothing of the login or the portals, and the portals do not reach into each other', async () => {
    await refused('src/state/redis_store.ts', "import { x } from '../login/record.js';", /adapters/);
    await refused('src/identity/user_names.ts', "import { x } from '../manage/session.js';", /adapters/);
    await refused('src/login/endpoints/begin.ts', "import { x } from '../../manage/limits.js';", /portals do not reach/);
    await refused('src/manage/steps/sign_in.ts', "import { x } from '../../login/record.js';", /portals do not reach/);
    await allowed('src/manage/steps/sign_in.ts', "import { x } from '../../identity/read_credentials.js';");
  });

  it('the edge configuration is written from the configuration and the guard alone', async () => {
    await refused('src/edge/rules.ts', "import { x } from '../login/record.js';", /edge configuration/);
    await refused('src/edge/setup.ts', "import { x } from '../manage/deps.js';", /edge configuration/);
    await refused('src/edge/nginx.ts', "import express from 'express';", /edge configuration/);
    await refused('src/edge/run_edge.ts', "import { startFactorgate } from '../factorgate.js';", /edge configuration/);
    await allowed('src/edge/rules.ts', "import { routeTable } from '../proxy/guard.js';");
    await allowed('src/edge/setup.ts', "import { failurePage } from '../http/page.js';");
  });

  it('only the configuration reads the environment', async () => {
    await refused('src/login/run.ts', 'const x = process.env.FACTORGATE_SECRET;', /only src\/config\/ reads the environment/);
    await allowed('src/config/load.ts', 'const x = process.env.FACTORGATE_SECRET;');
  });
});
