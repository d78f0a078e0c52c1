import { ConfigError, loadConfig } from './load.js';
import { loginFlowOf, pathLabel, paths } from '../flows/index.js';

/**
 * `factorgate config check [--config FILE]`, as `nginx -t`: loads the configuration exactly as
 * start-up does (file, FACTORGATE_* variables, _FILE secrets, flows), starts nothing, and says
 * either what would run or every problem. Exit 0 when valid, 1 otherwise.
 */
export function checkConfig(file: string | undefined, env: NodeJS.ProcessEnv, out: (text: string) => void, err: (text: string) => void): number {
  const source = file ? `${file} and the FACTORGATE_* variables` : 'the FACTORGATE_* variables (no --config file)';
  let config;
  try {
    config = loadConfig({ file, env });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err(`factorgate: the configuration from ${source} has ${e.problems.length === 1 ? 'a problem' : `${e.problems.length} problems`}:\n  ${e.problems.join('\n  ')}\n`);
    return 1;
  }
  const flow = loginFlowOf(config);
  const metrics = config.metrics.enabled ? `, metrics on ${config.metrics.host}:${config.metrics.port}` : '';
  out([
    `factorgate: the configuration from ${source} is valid.`,
    `  listens on ${config.listen.host}:${config.listen.port}${metrics}; gateway ${config.gateway.url}`,
    `  second factor: ${config.providers.default} by default${config.providers.policies.length ? `, ${config.providers.policies.length} policies` : ''}; store: ${config.store.type}`,
    `  login flow (${config.flows ? 'the flows section' : 'the default flow'}):`,
    ...paths(flow).map((path) => `    ${pathLabel(flow, path)}`),
    '',
  ].join('\n'));
  return 0;
}
