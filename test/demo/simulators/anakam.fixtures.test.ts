import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import type { AnakamSimulator } from '../../../src/demo/simulators/anakam/index.js';
import { AnakamApiClient, readXml, startAnakam, wrong } from './helpers.js';

// fixtures/anakam/*.xml were taken from the simulator's output, for the product's unit tests.
// Each is compared with what the simulator answers today, keys aside, so they cannot drift.
// After a deliberate change of the output: UPDATE_FIXTURES=1 npx mocha test/demo/simulators/anakam.fixtures.test.ts

const fixtureUrl = (name: string) => new URL(`../../../fixtures/anakam/${name}`, import.meta.url);
const fixture = (name: string) => readFileSync(fixtureUrl(name), 'utf8');

describe('Anakam simulator: the XML samples in fixtures/anakam match its output', () => {
  let sim: AnakamSimulator;
  let client: AnakamApiClient;
  beforeEach(async () => ({ sim, client } = await startAnakam()));
  afterEach(() => sim.close());

  it('byte for byte, once the random keys are the fixture\'s', async () => {
    const auth = await client.authKey('alice');
    const authKey = auth.values.get('authKey')!;
    await client.challenge(authKey, 'SELECT_METHOD', { method: 'EMAIL' });
    const sent = await client.challenge(authKey, 'GET_PARAMS');
    const passcode = sim.lastPasscode('alice')!;
    const invalid = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode: wrong(passcode) });
    const authenticated = await client.challenge(authKey, 'VERIFY_PASSCODE', { passcode, registerDevice: 'true', registrationHours: '8' });

    const live: Record<string, string> = {
      'auth-token-created.xml': auth.body,
      'challenge-passcode-sent.xml': sent.body,
      'challenge-passcode-invalid.xml': invalid.body,
      'challenge-authenticated-device.xml': authenticated.body,
    };
    for (const [name, body] of Object.entries(live)) {
      if (process.env.UPDATE_FIXTURES === '1') writeFileSync(fixtureUrl(name), body);
      const expected = fixture(name);
      const keys = readXml(expected).values;
      const normalised = body
        .replaceAll(authKey, keys.get('authKey')!)
        .replace(/<deviceKey>[^<]*<\/deviceKey>/, `<deviceKey>${keys.get('deviceKey')}</deviceKey>`);
      expect(normalised, name).to.equal(expected);
    }
  });
});
