import cluster from 'node:cluster';
import { pino, type Logger } from 'pino';
import { currentRequestId } from './http/request_context.js';

export type { Logger };

// Defence in depth: even if a secret-bearing object reaches a log call, these paths are masked.
const REDACT = [
  'password', 'passwd', 'passcode', 'secret', 'apiPassword', 'authKey', 'deviceKey', 'cookie',
  '*.password', '*.passwd', '*.passcode', '*.secret', '*.apiPassword', '*.authKey', '*.deviceKey',
  'req.headers.cookie', 'req.headers.authorization', 'headers.cookie', 'headers.authorization',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      // Workers share one stdout: their pid says which one wrote a line.
      base: cluster.isWorker ? { service: 'factorgate', pid: process.pid } : { service: 'factorgate' },
      redact: { paths: REDACT, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // "level":"warn", not 40: what log shippers and people read without a table.
      formatters: { level: (label) => ({ level: label }) },
      // Every line written while a request is served carries its id (src/http/request_context.ts).
      mixin: () => {
        const requestId = currentRequestId();
        return requestId === undefined ? {} : { requestId };
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}
