import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse as parseYaml } from 'yaml';
import { configJsonSchema } from '../../src/config/json_schema.js';

// docs/configuration.schema.json: what an editor checks a configuration file against.
const schemaFile = () => JSON.parse(readFileSync(new URL('../../docs/configuration.schema.json', import.meta.url), 'utf8')) as object;
const validator = () => new Ajv2020({ strict: false, allErrors: true, validateFormats: false }).compile(schemaFile());

describe('configuration: the JSON Schema for editors', () => {
  it('docs/configuration.schema.json is what the schema generates (run `npm run docs:config` after changing the schema)', () => {
    expect(schemaFile()).to.deep.equal(JSON.parse(JSON.stringify(configJsonSchema())));
  });

  it('accepts the documented example file', () => {
    const validate = validator();
    const example = parseYaml(readFileSync(new URL('../../fixtures/factorgate.example.yaml', import.meta.url), 'utf8')) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).to.equal(true);
  });

  it('flags an unknown key, a wrong type and a bad choice, as factorgate would', () => {
    const validate = validator();
    expect(validate({ listen: { hots: '0.0.0.0' } })).to.equal(false);
    expect(validate.errors?.[0]).to.include({ instancePath: '/listen', keyword: 'additionalProperties' });
    expect(validate({ listen: { port: 'eighty' } })).to.equal(false);
    expect(validate({ anakam: { method: 'PIGEON' } })).to.equal(false);
  });

  it('asks for no key: any may come from the environment', () => {
    expect(validator()({})).to.equal(true);
  });

  it('knows the anakam section under its older name tfa', () => {
    const validate = validator();
    expect(validate({ tfa: { baseUrl: 'http://tfa.test', method: 'SMS' } })).to.equal(true);
    expect(validate({ tfa: { metod: 'SMS' } })).to.equal(false);
  });
});
