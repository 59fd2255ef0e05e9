// The JSON logger. It writes to stderr only: in stdio mode stdout carries JSON-RPC and must stay
// clean. Secret-bearing fields are redacted by path as a second line of defence; the first is
// never to log a secret at all.
import { pino, type Logger } from 'pino';

import { PRODUCT } from '../shared/version.js';

export type { Logger } from 'pino';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const REDACT = [
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
  'passphrase',
  '*.passphrase',
  'key',
  '*.key',
];

export function createLogger(options: { level: LogLevel; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: PRODUCT.name, version: PRODUCT.version },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: '[redacted]' },
    },
    // Asynchronous: a log line does not block the event loop on a slow stderr reader. pino flushes
    // it synchronously on process exit, and shutdown awaits flushLogger (commands/serve.ts).
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

/** Writes out what the logger's destination still buffers (before the process ends); bounded by `timeoutMs`. */
export function flushLogger(logger: Logger, timeoutMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs); // a broken stderr must not hold up shutdown
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    try {
      logger.flush(done);
    } catch {
      done();
    }
  });
}

/** A logger that drops everything, for tests and library use. */
export const silentLogger = (): Logger => pino({ level: 'silent' });
