import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/load.js';
import { edgeSetup, EdgeSetupError } from './setup.js';
import { nginxConfig } from './nginx.js';
import { haproxyConfig } from './haproxy.js';

export const EDGE_USAGE = `Usage: factorgate edge nginx|haproxy [--config FILE] [--listen [ADDRESS:]PORT] [--server-name NAME]
                       [--certificate FILE [--certificate-key FILE]] [--factorgate URL] [--log TARGET]

Prints a complete, commented configuration for nginx (a file for conf.d/) or HAProxy (a haproxy.cfg)
that sends the sign-in to factorgate, refuses the gateway's login targets and every ambiguous
target, and carries everything else straight to the gateway. Made from factorgate's own
configuration (FILE and FACTORGATE_* variables); holds no secret of it.

  --listen        where the proxy listens (default 443 with --certificate, else 80)
  --certificate   TLS at the proxy: the certificate (for HAProxy, one PEM file with the key)
  --certificate-key  nginx's key file (default: the certificate file)
  --factorgate    factorgate as the proxy reaches it (default: listen.host and listen.port)
  --log           where refusals are logged (nginx: a file; HAProxy: a log target, default /dev/log local0)`;

const RENDERERS = { nginx: nginxConfig, haproxy: haproxyConfig } as const;

/** `factorgate edge nginx|haproxy`: prints the configuration on `out`; problems on `err`, exit code 2. */
export function runEdgeCommand(argv: string[], out: (text: string) => void, err: (text: string) => void, env: NodeJS.ProcessEnv): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'c' }, listen: { type: 'string' }, 'server-name': { type: 'string' },
        certificate: { type: 'string' }, 'certificate-key': { type: 'string' }, factorgate: { type: 'string' }, log: { type: 'string' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    err(`factorgate edge: ${(e as Error).message}\n\n${EDGE_USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const kind = positionals[0];
  if (positionals.length !== 1 || (kind !== 'nginx' && kind !== 'haproxy')) {
    err(`${EDGE_USAGE}\n`);
    return 2;
  }
  try {
    const config = loadConfig({ file: values.config, env });
    const setup = edgeSetup(config, {
      listen: values.listen, serverName: values['server-name'], certificate: values.certificate,
      certificateKey: values['certificate-key'], factorgateUrl: values.factorgate, log: values.log,
    });
    out(RENDERERS[kind](setup));
    return 0;
  } catch (e) {
    if (e instanceof ConfigError || e instanceof EdgeSetupError) {
      err(`factorgate edge: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
