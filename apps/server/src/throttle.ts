/**
 * A sliding-window failure counter (RFC 8628 §5.1: user codes are short, so wrong guesses must be rate limited).
 * Keys are client IPs; sessions keep their own list on the session.
 */
export interface FailureThrottle {
  /** True when `key` has reached the limit within the window. */
  readonly blocked: (key: string) => boolean;
  readonly fail: (key: string) => void;
}

export const windowMs = 15 * 60 * 1000;

/** Drops entries older than the window; returns the recent ones. */
export const recent = (times: readonly number[], now: number): number[] => times.filter((t) => now - t < windowMs);

export const createFailureThrottle = (limit: number, now: () => number = () => Date.now()): FailureThrottle => {
  const failures = new Map<string, number[]>();
  const prune = (): void => {
    if (failures.size < 10_000) return;
    const t = now();
    for (const [k, v] of failures) if (recent(v, t).length === 0) failures.delete(k);
  };
  return {
    blocked: (key) => recent(failures.get(key) ?? [], now()).length >= limit,
    fail: (key) => {
      prune();
      failures.set(key, [...recent(failures.get(key) ?? [], now()), now()]);
    },
  };
};
