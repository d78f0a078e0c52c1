import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../src/config/load.js';

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  FACTORGATE_GATEWAY_URL: 'https://gateway.example.test',
  FACTORGATE_ANAKAM_BASE_URL: 'http://tfa.example.test:8080',
  FACTORGATE_ANAKAM_API_USER: 'gw-api',
  FACTORGATE_ANAKAM_API_PASSWORD: 'api-password-from-env',
  FACTORGATE_SECRET: 'workers-secret-0123456789-abcdefghijk',
  ...extra,
});

function problemsOf(e: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig({ env: e });
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  return expect.fail('configuration was accepted');
}

describe('configuration: listen.workers', () => {
  it('defaults to one process', () => {
    expect(loadConfig({ env: env() }).listen.workers).to.equal(1);
  });

  it('refuses several workers with the memory store, naming listen.workers', () => {
    const problems = problemsOf(env({ FACTORGATE_LISTEN_WORKERS: '2' }));
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^listen\.workers: above 1 needs store\.type redis/);
  });

  it('reports the refusal together with every other problem', () => {
    const problems = problemsOf({ FACTORGATE_LISTEN_WORKERS: '4', FACTORGATE_SECRET: 'short' });
    expect(problems.some((p) => p.startsWith('listen.workers: above 1 needs store.type redis'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('secret:'))).to.equal(true);
    expect(problems.some((p) => p.startsWith('gateway.url: required'))).to.equal(true);
  });

  it('accepts several workers with the Redis store', () => {
    const config = loadConfig({ env: env({ FACTORGATE_LISTEN_WORKERS: '2', FACTORGATE_STORE_TYPE: 'redis' }) });
    expect(config.listen.workers).to.equal(2);
  });

  it('one worker is fine with the memory store, and a count that is not a whole number above 0 is refused', () => {
    expect(loadConfig({ env: env({ FACTORGATE_LISTEN_WORKERS: '1' }) }).listen.workers).to.equal(1);
    expect(problemsOf(env({ FACTORGATE_LISTEN_WORKERS: '0', FACTORGATE_STORE_TYPE: 'redis' }))[0]).to.match(/^listen\.workers:/);
    expect(problemsOf(env({ FACTORGATE_LISTEN_WORKERS: '1.5', FACTORGATE_STORE_TYPE: 'redis' }))[0]).to.match(/^listen\.workers:/);
  });
});
