/** Wall-clock time. The core never reads the system clock itself. Used by every endpoint and grant. */
export interface Clock {
  /** Current time in epoch seconds (may be fractional; stores and tokens floor it). */
  readonly now: () => number;
}

/** Randomness. Used for tokens, codes, interaction ids, user codes and grant ids. */
export interface Random {
  /** `byteLength` cryptographically secure random bytes, base64url-encoded without padding. */
  readonly token: (byteLength: number) => string;
  /** A uniformly random integer in `[0, max)` (user-code generation). */
  readonly int: (max: number) => number;
}

/**
 * Hashing and constant-time comparison of high-entropy secrets (client secrets, tokens, codes): SHA-256, never a
 * slow KDF (these values carry 256 bits of entropy already). Used by client authentication and every store lookup.
 */
export interface SecretHasher {
  /** SHA-256 of the UTF-8 value, base64url without padding. */
  readonly hash: (value: string) => string;
  /** Constant-time check that `hash(presented)` equals `expectedHash`. */
  readonly verify: (presented: string, expectedHash: string) => boolean;
}

/** Structured logging of what the wire must not carry (details, causes, infrastructure faults). */
export interface Logger {
  readonly log: (level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Readonly<Record<string, unknown>>) => void;
}
