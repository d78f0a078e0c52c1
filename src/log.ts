import cluster from 'node:cluster';
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
    // Workers share one stdout: their pid says which one wrote a line.
    { level, base: cluster.isWorker ? { service: 'factorgate', pid: process.pid } : { service: 'factorgate' }, redact: { paths: REDACT, censor: '[redacted]' }, timestamp: pino.stdTimeFunctions.isoTime },
    destination as pino.DestinationStream | undefined,
  );
}
