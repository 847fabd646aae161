import { createHash, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';
import type { Clock, Logger, Random, SecretHasher } from '@grantor/core';

/** The system clock in epoch seconds (fractional; the core floors when storing). */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() / 1000 });

/** Bytes drawn from the CSPRNG at once; a token takes its bytes from here, each byte used once. */
const POOL_SIZE = 16 * 1024;

/**
 * A pooled CSPRNG source: one `randomFillSync` call fills `POOL_SIZE` bytes, and each draw takes the next unused
 * bytes (never handing the same byte out twice), so a token costs one slice instead of one system call. The pool is
 * per process (a forked worker gets a pool of its own from its own draws). Draws larger than the pool go straight
 * to the CSPRNG.
 */
const pooledBytes = (): ((n: number) => Buffer) => {
  const pool = Buffer.allocUnsafeSlow(POOL_SIZE);
  let offset = POOL_SIZE;
  return (n) => {
    if (n > POOL_SIZE) return randomFillSync(Buffer.allocUnsafe(n));
    if (offset + n > POOL_SIZE) {
      randomFillSync(pool);
      offset = 0;
    }
    const out = pool.subarray(offset, offset + n);
    offset += n;
    return out;
  };
};

const drawBytes = pooledBytes();

/**
 * `node:crypto` randomness: `token(n)` is `n` random bytes, base64url without padding; `int(max)` is uniform in
 * `[0, max)`. Bytes come from a pooled CSPRNG buffer (see `pooledBytes`).
 */
export const cryptoRandom: Random = Object.freeze({
  token: (byteLength: number) => drawBytes(byteLength).toString('base64url'),
  int: (max: number) => randomInt(max),
});

const sha256 = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/**
 * SHA-256 (base64url, no padding) of high-entropy secrets. `verify` hashes the presented value and compares the two
 * hashes with `timingSafeEqual`; hashes of unequal length never match (the comparison still runs on equal lengths).
 */
export const sha256SecretHasher: SecretHasher = Object.freeze({
  hash: sha256,
  verify: (presented: string, expectedHash: string) => {
    const actual = Buffer.from(sha256(presented), 'utf8');
    const expected = Buffer.from(expectedHash, 'utf8');
    if (actual.length !== expected.length) {
      timingSafeEqual(actual, actual);
      return false;
    }
    return timingSafeEqual(actual, expected);
  },
});

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const levels: Readonly<Record<LogLevel, number>> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface ConsoleLoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** `json` (default): one JSON object a line; `text`: `level message {fields}`. */
  readonly format?: 'json' | 'text';
  /** Where lines go (default: `console.error` for warn/error, `console.log` otherwise). */
  readonly write?: (line: string, level: LogLevel) => void;
}

/** Makes log fields JSON-safe: errors become `{name, message, stack}`, bigints strings, cycles `[Circular]`. */
const jsonSafe = (fields: Readonly<Record<string, unknown>>): string => {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(fields, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
      if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`;
      if (typeof value === 'object' && value !== null) {
        if (seen.has(value)) return '[Circular]';
        seen.add(value);
      }
      return value;
    });
  } catch {
    return JSON.stringify({ unserialisable: true });
  }
};

const defaultWrite = (line: string, level: LogLevel): void => {
  if (level === 'warn' || level === 'error') console.error(line);
  else console.log(line);
};

/** A console logger writing JSON lines (or plain text). Never throws. */
export const consoleLogger = (options: ConsoleLoggerOptions = {}): Logger => {
  const min = levels[options.level ?? 'info'];
  const format = options.format ?? 'json';
  const write = options.write ?? defaultWrite;
  return Object.freeze({
    log: (level: LogLevel, message: string, fields: Readonly<Record<string, unknown>> = {}) => {
      if (levels[level] < min) return;
      try {
        const line =
          format === 'json'
            ? jsonSafe({ time: new Date().toISOString(), level, message, ...fields })
            : `${level.toUpperCase()} ${message}${Object.keys(fields).length > 0 ? ` ${jsonSafe(fields)}` : ''}`;
        write(line, level);
      } catch {
        // logging must never break a request
      }
    },
  });
};

export interface NodeRuntime {
  readonly clock: Clock;
  readonly random: Random;
  readonly secrets: SecretHasher;
  readonly logger: Logger;
}

/** The runtime ports of the core, backed by Node: system clock, `node:crypto` randomness and SHA-256, console logger. */
export const nodeRuntime = (options: { readonly logger?: Logger; readonly log?: ConsoleLoggerOptions } = {}): NodeRuntime =>
  Object.freeze({
    clock: systemClock,
    random: cryptoRandom,
    secrets: sha256SecretHasher,
    logger: options.logger ?? consoleLogger(options.log),
  });
