import { pino, type Logger } from 'pino';

export type { Logger };

// Defence in depth: even if a secret-bearing object reaches a log call, these paths are masked.
const REDACT = [
  'password', 'passwd', 'passcode', 'secret', 'apiPassword', 'authKey', 'deviceKey', 'cookie',
  '*.password', '*.passwd', '*.passcode', '*.secret', '*.apiPassword', '*.authKey', '*.deviceKey',
  'req.headers.cookie', 'req.headers.authorization', 'headers.cookie', 'headers.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'factorgate' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination as pino.DestinationStream | undefined,
  );
}
