import type { LoginThrottle } from '@grantor/core';
import { atomically } from './compact.js';

export interface MemoryLoginThrottleOptions {
  /** Attempts allowed per key and window (default 10). */
  readonly limit?: number;
  /** Length of a window in seconds, starting at a key's first attempt (default 300). */
  readonly windowSeconds?: number;
  /** At most this many keys are tracked (default 100 000); beyond it, ended windows and then the oldest are dropped. */
  readonly maxKeys?: number;
}

/** The memory throttle, plus a sweep of ended windows and a size for tests and metrics. */
export interface MemoryLoginThrottle extends LoginThrottle {
  readonly sweep: (now: number) => number;
  readonly size: () => number;
}

interface Window {
  readonly start: number;
  readonly count: number;
}

const positiveInt = (value: number, name: string): number => {
  if (!(Number.isInteger(value) && value > 0)) throw new TypeError(`${name} must be a positive integer, got ${String(value)}`);
  return value;
};

/**
 * An in-memory `LoginThrottle` for the `password` grant (RFC 6749 §4.3.2: protect the endpoint against brute force):
 * a fixed window per key — the first attempt opens a window of `windowSeconds`, and at most `limit` attempts are
 * allowed inside it. Each `hit` is one synchronous step, so counting is atomic. Per process: several processes need a
 * shared store (e.g. Redis) behind the same port.
 */
export const createMemoryLoginThrottle = (options: MemoryLoginThrottleOptions = {}): MemoryLoginThrottle => {
  const limit = positiveInt(options.limit ?? 10, 'limit');
  const windowSeconds = positiveInt(options.windowSeconds ?? 300, 'windowSeconds');
  const maxKeys = positiveInt(options.maxKeys ?? 100_000, 'maxKeys');
  const rows = new Map<string, Window>();
  const ended = (w: Window, now: number): boolean => now >= w.start + windowSeconds;
  const sweep = (now: number): number => {
    let removed = 0;
    for (const [key, w] of rows) {
      if (ended(w, now)) {
        rows.delete(key);
        removed += 1;
      }
    }
    return removed;
  };
  const makeRoom = (now: number): void => {
    if (rows.size < maxKeys) return;
    sweep(now);
    for (const key of rows.keys()) {
      if (rows.size < maxKeys) break;
      rows.delete(key);
    }
  };
  return {
    hit: (key, now) =>
      atomically(() => {
        const current = rows.get(key);
        const next = current === undefined || ended(current, now) ? { start: now, count: 1 } : { start: current.start, count: current.count + 1 };
        if (current === undefined) makeRoom(now);
        rows.set(key, next);
        return { allowed: next.count <= limit };
      }),
    sweep,
    size: () => rows.size,
  };
};
