/**
 * Deterministic stand-ins for the runtime ports (`Clock`, `Random`, `SecretHasher`, `Logger`) for tests. The hasher
 * is the real thing (SHA-256 via `node:crypto`), so hashes computed in tests match what a production hasher stores.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Clock, Logger, Random, SecretHasher } from '@grantor/core';

/** A `Clock` the test drives: it only moves when told to. Times are epoch seconds. */
export interface FakeClock extends Clock {
  /** Sets the current time (epoch seconds). */
  readonly set: (epochSeconds: number) => void;
  /** Moves the current time forward (or back, with a negative value) by `seconds`. */
  readonly advance: (seconds: number) => void;
}

/** 2027-01-15T08:00:00Z: a fixed, unremarkable instant used when a test does not care. */
export const defaultFakeEpoch = 1_800_000_000;

export const fakeClock = (start: number = defaultFakeEpoch): FakeClock => {
  let current = start;
  return {
    now: () => current,
    set: (epochSeconds) => {
      current = epochSeconds;
    },
    advance: (seconds) => {
      current += seconds;
    },
  };
};

/** A seeded `Random`: the same seed yields the same sequence of tokens and integers. NOT for production. */
export interface SeededRandom extends Random {
  /** `byteLength` pseudo-random bytes (the raw material of `token`). */
  readonly bytes: (byteLength: number) => Uint8Array;
}

/** sfc32, a small fast PRNG with a 128-bit state; seeded through splitmix32 so that any integer seed works. */
const sfc32 = (seed: number): (() => number) => {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t >>> 0;
  };
};

export const seededRandom = (seed = 42): SeededRandom => {
  const next = sfc32(seed);
  const bytes = (byteLength: number): Uint8Array => {
    if (!Number.isInteger(byteLength) || byteLength < 0) throw new RangeError(`byteLength must be a non-negative integer, got ${byteLength}`);
    const out = new Uint8Array(byteLength);
    for (let i = 0; i < byteLength; i += 4) {
      const word = next();
      for (let j = 0; j < 4 && i + j < byteLength; j++) out[i + j] = (word >>> (j * 8)) & 0xff;
    }
    return out;
  };
  return {
    bytes,
    token: (byteLength) => Buffer.from(bytes(byteLength)).toString('base64url'),
    int: (max) => {
      if (!Number.isInteger(max) || max <= 0 || max > 2 ** 32) throw new RangeError(`max must be an integer in [1, 2^32], got ${max}`);
      // Rejection sampling keeps the distribution uniform for any max.
      const limit = 2 ** 32 - (2 ** 32 % max);
      for (;;) {
        const v = next();
        if (v < limit) return v % max;
      }
    },
  };
};

/** SHA-256 of the UTF-8 value, base64url without padding: the same function production hashers implement. */
export const sha256Base64url = (value: string): string => createHash('sha256').update(value, 'utf8').digest('base64url');

/** The real `SecretHasher`: SHA-256 and a constant-time comparison (`crypto.timingSafeEqual`). */
export const sha256SecretHasher = (): SecretHasher => ({
  hash: sha256Base64url,
  verify: (presented, expectedHash) => {
    const actual = createHash('sha256').update(presented, 'utf8').digest();
    const expected = Buffer.from(expectedHash, 'base64url');
    // A malformed or wrong-length expected hash can never match; compare anyway so the timing does not depend on it.
    if (expected.length !== actual.length || expected.toString('base64url') !== expectedHash) {
      timingSafeEqual(actual, actual);
      return false;
    }
    return timingSafeEqual(actual, expected);
  },
});

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** A `Logger` that keeps every entry for assertions. */
export interface CapturingLogger extends Logger {
  readonly entries: readonly LogEntry[];
  /** Entries at `level` (and, if given, whose message contains `text`). */
  readonly at: (level: LogEntry['level'], text?: string) => readonly LogEntry[];
  readonly clear: () => void;
}

export const capturingLogger = (): CapturingLogger => {
  const entries: LogEntry[] = [];
  return {
    entries,
    log: (level, message, fields = {}) => {
      entries.push({ level, message, fields });
    },
    at: (level, text) => entries.filter((e) => e.level === level && (text === undefined || e.message.includes(text))),
    clear: () => {
      entries.length = 0;
    },
  };
};

/** All four runtime ports at once, deterministic: what `createAuthorizationServer` needs besides the stores. */
export const fakeRuntime = (options: { readonly seed?: number; readonly now?: number } = {}) => ({
  clock: fakeClock(options.now),
  random: seededRandom(options.seed),
  secrets: sha256SecretHasher(),
  logger: capturingLogger(),
});
