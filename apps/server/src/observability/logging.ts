import { pino, type DestinationStream, type Logger as Pino } from 'pino';
import PinoPretty from 'pino-pretty';
import type { Logger } from '@grantor/core';

/**
 * Structured logs with pino: JSON lines on stdout (pretty when stdout is a terminal, or LOG_FORMAT=pretty), secrets
 * redacted by configuration — whatever field a caller logs under one of these names never reaches the output.
 */
const redactedPaths: readonly string[] = [
  'password',
  'client_secret',
  'secret',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'code',
  'code_verifier',
  'device_code',
  'user_code',
  'assertion',
  'client_assertion',
  'authorization',
  'cookie',
  '*.password',
  '*.client_secret',
  '*.secret',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.id_token',
  '*.code',
  '*.code_verifier',
  '*.device_code',
  '*.user_code',
  '*.assertion',
  '*.client_assertion',
  '*.authorization',
  '*.cookie',
  'headers["set-cookie"]',
];

export interface LogSettings {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly pretty: boolean;
}

/** LOG_LEVEL (debug|info|warn|error, default info) and LOG_FORMAT (json|pretty; default pretty on a terminal). */
export const logSettings = (env: Readonly<Record<string, string | undefined>>, isTty: boolean): LogSettings => {
  const level = (env['LOG_LEVEL'] ?? 'info').toLowerCase();
  const format = (env['LOG_FORMAT'] ?? (isTty ? 'pretty' : 'json')).toLowerCase();
  return { level: level === 'debug' || level === 'warn' || level === 'error' ? level : 'info', pretty: format === 'pretty' };
};

/** A pino instance writing to `destination` (default stdout). */
export const createPino = (settings: LogSettings, destination?: DestinationStream): Pino => {
  const options = { level: settings.level, base: { pid: process.pid }, redact: { paths: [...redactedPaths], censor: '[redacted]' } };
  const stream = destination ?? (settings.pretty ? PinoPretty({ colorize: true, sync: true }) : pino.destination({ fd: 1, sync: true }));
  return pino(options, stream);
};

/** The core's `Logger` port over pino (message as `msg`, fields merged in). Never throws. */
export const pinoLogger = (p: Pino): Logger => ({
  log: (level, message, fields = {}) => {
    try {
      p[level]({ ...fields }, message);
    } catch {
      // logging must never break a request
    }
  },
});
